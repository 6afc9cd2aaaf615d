print("lava-worker")
