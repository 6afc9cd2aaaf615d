#!/usr/bin/env python3
"""The worker swap of an upgrade under lava-docker-worker, timed (issue 12): the first start, then
2026.11 -> 2026.12, then SIGTERM. Prints, per run, the seconds between the log lines that mark
each step (the worker's lines carry its own clock, the supervisor's theirs).

usage: bench/upgrade.py [--runs N] [--silent-dns] BIN LAVA_SERVER

BIN holds lava-worker, lava-run (static: the images carry them) and lava-docker-worker, e.g.
.build-static/debug after `swift build --static-swift-stdlib --product P --scratch-path
.build-static` for each; LAVA_SERVER is any lava-server binary. The images of both versions are
built from docker/lava-dispatcher with BIN's binaries, through the engine at $DOCKER_HOST
(unix://, default /tmp/lava-docker/docker.sock). --silent-dns gives the worker containers a
resolv.conf whose nameserver (127.53.53.53:53, run here; needs root) never answers: a lab whose
DNS is down.
"""
import os, re, signal, socket, statistics, subprocess, sys, tempfile, threading, time
from workerbench import WORKER, LavaServer, build_image, log_lines, remove_containers, remove_image, start_supervisor

args = sys.argv[1:]
runs, silent = 3, False
while args and args[0].startswith("--"):
    option = args.pop(0)
    if option == "--runs": runs = int(args.pop(0))
    elif option == "--silent-dns": silent = True
    else: sys.exit(__doc__)
if len(args) != 2: sys.exit(__doc__)
BIN, SERVER = (os.path.abspath(a) for a in args)
PORT, OLD, NEW = 8112, "2026.11", "2026.12"
REPOSITORY = f"lava-bench/upgrade-{os.getpid()}"

def silent_name_server():
    """Takes every query on 127.53.53.53:53 and answers none."""
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.53.53.53", 53))
    threading.Thread(target=lambda: [server.recvfrom(1500) for _ in iter(int, 1)], daemon=True).start()

def run_once(work):
    server = LavaServer(SERVER, work, PORT)
    data = server.data
    log = f"{data}/lava-docker-worker.log"
    mounts = []
    if silent:
        with open(f"{data}/resolv.conf", "w") as conf:
            conf.write("nameserver 127.53.53.53\n")
        mounts = ["--mount", f"{data}/resolv.conf:/etc/resolv.conf:ro"]
    server.serve(OLD)
    supervisor = start_supervisor(BIN, server, f"{REPOSITORY}:{{version}}", data,
                                  "--ping-interval", "5", "--version-check-interval", "600", *mounts)

    def wait(pattern):
        deadline = time.time() + 900
        while not any(re.search(pattern, message) for _, message in log_lines(log)):
            if time.time() > deadline:
                sys.exit(f"no line matching {pattern!r} after 900 s:\n{open(log).read()}")
            time.sleep(0.05)

    try:
        wait(rf"{OLD} '{WORKER}' serving")
        server.restart(NEW)
        wait(rf"{NEW} '{WORKER}' serving")
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(900)
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
        server.stop()
        remove_containers(REPOSITORY)

    lines = log_lines(log)

    def at(pattern):
        return next(t for t, message in lines if re.search(pattern, message))

    return {
        "first start -> its first line": at(rf"{OLD} '{WORKER}' serving") - at(rf"started lava-worker-{OLD}"),
        "exit logged -> supervisor sees it": at(r"the worker exited \(75\)") - at(r"exiting for a restart"),
        "seen -> new container started": at(rf"started lava-worker-{NEW}") - at(r"the worker exited \(75\)"),
        "started -> its first line": at(rf"{NEW} '{WORKER}' serving") - at(rf"started lava-worker-{NEW}"),
        # Since the supervisor became one state machine it logs no exit status on a stop: its
        # "stopped" comes once the exited container is removed.
        "SIGTERM -> supervisor stopped": at(r"^stopped$") - at(r"stopping: SIGTERM"),
    }

if silent:
    silent_name_server()
for version in [OLD, NEW]:
    build_image(BIN, f"{REPOSITORY}:{version}", version)
work = tempfile.mkdtemp(prefix="lava-bench-upgrade-")
try:
    results = [run_once(work) for _ in range(runs)]
finally:
    subprocess.run(["rm", "-rf", work])
    for version in [OLD, NEW]:
        remove_image(f"{REPOSITORY}:{version}", force=True)
for step in results[0]:
    figures = [r[step] for r in results]
    print(f"{step:38s} median {statistics.median(figures):6.2f} s   runs: {' '.join(f'{f:.2f}' for f in figures)}")
