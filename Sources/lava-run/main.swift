print("lava-run")
