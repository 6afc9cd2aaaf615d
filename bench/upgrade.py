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
import datetime, io, json, os, re, signal, socket, statistics, subprocess, sys, tarfile, tempfile, threading, time
import http.client, urllib.parse

args = sys.argv[1:]
runs, silent = 3, False
while args and args[0].startswith("--"):
    option = args.pop(0)
    if option == "--runs": runs = int(args.pop(0))
    elif option == "--silent-dns": silent = True
    else: sys.exit(__doc__)
if len(args) != 2: sys.exit(__doc__)
BIN, SERVER = (os.path.abspath(a) for a in args)
SOCKET = os.environ.get("DOCKER_HOST", "unix:///tmp/lava-docker/docker.sock").removeprefix("unix://")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PORT, OLD, NEW = 8112, "2026.11", "2026.12"
REPOSITORY = f"lava-bench/upgrade-{os.getpid()}"

class EngineConnection(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(SOCKET)

def engine(method, path, body=None, headers={}):
    connection = EngineConnection("docker", timeout=600)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()

def build_image(version):
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        for name in ["Dockerfile", "lava-worker-options.sh"]:
            tar.add(f"{ROOT}/docker/lava-dispatcher/{name}", name)
        for name in ["lava-worker", "lava-run"]:
            tar.add(f"{BIN}/{name}", name)
    options = subprocess.run(["sh", f"{ROOT}/docker/lava-dispatcher/lava-worker-options.sh", f"{BIN}/lava-worker"],
                             capture_output=True, text=True, check=True).stdout.strip()
    query = urllib.parse.urlencode({"t": f"{REPOSITORY}:{version}", "networkmode": "host", "rm": "1",
                                    "buildargs": json.dumps({"LAVA_VERSION": version, "LAVA_WORKER_OPTIONS": options})})
    status, body = engine("POST", f"/build?{query}", context.getvalue(), {"Content-Type": "application/x-tar"})
    if status != 200 or b'"error"' in body:
        sys.exit(f"building {REPOSITORY}:{version} failed: {body[-600:].decode(errors='replace')}")

def silent_name_server():
    """Takes every query on 127.53.53.53:53 and answers none."""
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.53.53.53", 53))
    threading.Thread(target=lambda: [server.recvfrom(1500) for _ in iter(int, 1)], daemon=True).start()

def run_once(work):
    data = tempfile.mkdtemp(dir=work)
    storage = ["--data-dir", data, "--database", f"sqlite:{data}/lava.sqlite3", "--config-dir", f"{data}/etc"]
    os.makedirs(f"{data}/etc")
    added = subprocess.run([SERVER, "workers", "add", "lab-1", *storage], capture_output=True, text=True, check=True).stdout
    token = re.search(r"^token:\s*(\S+)", added, re.M).group(1)
    url = f"http://127.0.0.1:{PORT}/"

    def serve(version):
        server = subprocess.Popen([SERVER, "serve", "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning", *storage],
                                  env=dict(os.environ, LAVA_VERSION=version), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while subprocess.run(["curl", "-fsS", url + "health"], capture_output=True).returncode:
            time.sleep(0.05)
        return server

    log = f"{data}/lava-docker-worker.log"
    mounts = []
    if silent:
        with open(f"{data}/resolv.conf", "w") as conf:
            conf.write("nameserver 127.53.53.53\n")
        mounts = ["--mount", f"{data}/resolv.conf:/etc/resolv.conf:ro"]
    server = serve(OLD)
    supervisor = subprocess.Popen([f"{BIN}/lava-docker-worker", "--url", url, "--name", "lab-1", "--token", token,
                                   "--worker-dir", f"{data}/worker", "--image", f"{REPOSITORY}:{{version}}",
                                   "--docker-socket", SOCKET, "--log-file", log, "--build-dir", f"{data}/build",
                                   "--ping-interval", "5", "--version-check-interval", "600", *mounts],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def text():
        return open(log).read() if os.path.exists(log) else ""

    def wait(pattern):
        deadline = time.time() + 900
        while not re.search(pattern, text()):
            if time.time() > deadline:
                sys.exit(f"no line matching {pattern!r} after 900 s:\n{text()}")
            time.sleep(0.05)

    try:
        wait(rf"> .*{OLD} 'lab-1' serving")
        server.send_signal(signal.SIGTERM)
        server.wait()
        server = serve(NEW)
        wait(rf"> .*{NEW} 'lab-1' serving")
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(900)
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
        server.send_signal(signal.SIGTERM)
        server.wait()
        _, body = engine("GET", "/containers/json?all=1")
        for container in json.loads(body):
            if container["Image"].startswith(REPOSITORY):
                engine("DELETE", f"/containers/{container['Id']}?force=true")

    def stamp(text):
        return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S,%f").timestamp()

    lines = []
    for line in text().splitlines():
        outer = re.match(r"(\S+ \S+)\s+\w+ (.*)", line)
        if outer:
            inner = re.match(r"> (\S+ \S+)\s+\w+ (.*)", outer[2])
            lines.append((stamp(inner[1]), inner[2]) if inner else (stamp(outer[1]), outer[2]))

    def at(pattern):
        return next(t for t, message in lines if re.search(pattern, message))

    return {
        "first start -> its first line": at(rf"{OLD} 'lab-1' serving") - at(rf"started lava-worker-{OLD}"),
        "exit logged -> supervisor sees it": at(r"the worker exited \(75\)") - at(r"exiting for a restart"),
        "seen -> new container started": at(rf"started lava-worker-{NEW}") - at(r"the worker exited \(75\)"),
        "started -> its first line": at(rf"{NEW} 'lab-1' serving") - at(rf"started lava-worker-{NEW}"),
        "SIGTERM -> supervisor sees the exit": at(r"the worker exited \(0\)") - at(r"stopping: SIGTERM"),
    }

if silent:
    silent_name_server()
for version in [OLD, NEW]:
    build_image(version)
work = tempfile.mkdtemp(prefix="lava-bench-upgrade-")
try:
    results = [run_once(work) for _ in range(runs)]
finally:
    subprocess.run(["rm", "-rf", work])
    for version in [OLD, NEW]:
        engine("DELETE", f"/images/{REPOSITORY}:{version}?force=1")
for step in results[0]:
    figures = [r[step] for r in results]
    print(f"{step:38s} median {statistics.median(figures):6.2f} s   runs: {' '.join(f'{f:.2f}' for f in figures)}")
