"""What bench/upgrade.py and bench/supervisor.py share: the Docker engine (over its socket), worker
images built from static binaries, a SQLite lava-server that can be restarted at another version,
lava-docker-worker and its log."""
import datetime, io, json, os, re, signal, socket, subprocess, sys, tarfile, tempfile, time
import http.client, urllib.parse

SOCKET = os.environ.get("DOCKER_HOST", "unix:///tmp/lava-docker/docker.sock").removeprefix("unix://")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# lava-docker-worker adopts the containers labelled with its --name: a name of its own keeps this
# benchmark's containers from the supervisors of tests on the same engine (and theirs from it).
WORKER = f"bench-{os.getpid()}"


class EngineConnection(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(SOCKET)


def engine(method, path, body=None, headers={}):
    connection = EngineConnection("docker", timeout=600)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def engine_json(path):
    status, body = engine("GET", path)
    if status != 200:
        sys.exit(f"GET {path} on the engine: {status} {body[:300].decode(errors='replace')}")
    return json.loads(body)


def build_image(bin_dir, reference, version, own_layer=False):
    """The image of docker/lava-dispatcher with BIN's lava-worker and lava-run, reporting `version`.
    own_layer: the version string is appended to the binaries (an ELF ignores trailing bytes), so
    each version's image has its own binaries layer, as the images of two real releases have, and a
    pull of it moves the binaries, not only the last small layers."""
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        for name in ["Dockerfile", "lava-worker-options.sh"]:
            tar.add(f"{ROOT}/docker/lava-dispatcher/{name}", name)
        for name in ["lava-worker", "lava-run"]:
            if own_layer:
                data = open(f"{bin_dir}/{name}", "rb").read() + f"\nlava-bench {version}\n".encode()
                info = tarfile.TarInfo(name)
                info.size, info.mode = len(data), 0o755
                tar.addfile(info, io.BytesIO(data))
            else:
                tar.add(f"{bin_dir}/{name}", name)
    options = subprocess.run(["sh", f"{ROOT}/docker/lava-dispatcher/lava-worker-options.sh", f"{bin_dir}/lava-worker"],
                             capture_output=True, text=True, check=True).stdout.strip()
    query = urllib.parse.urlencode({"t": reference, "networkmode": "host", "rm": "1",
                                    "buildargs": json.dumps({"LAVA_VERSION": version, "LAVA_WORKER_OPTIONS": options})})
    status, body = engine("POST", f"/build?{query}", context.getvalue(), {"Content-Type": "application/x-tar"})
    if status != 200 or b'"error"' in body:
        sys.exit(f"building {reference} failed: {body[-600:].decode(errors='replace')}")


def push_image(reference):
    """Pushes `registry/repository:tag` to its registry (a local registry needs no credentials)."""
    name, tag = reference.rsplit(":", 1)
    status, body = engine("POST", f"/images/{urllib.parse.quote(name, safe='')}/push?tag={tag}",
                          headers={"X-Registry-Auth": "e30="})  # base64 of {}
    if status != 200 or b'"error"' in body:
        sys.exit(f"pushing {reference} failed: {body[-600:].decode(errors='replace')}")


def image_present(reference):
    return engine("GET", f"/images/{urllib.parse.quote(reference, safe='')}/json")[0] == 200


def remove_image(reference, force=False):
    engine("DELETE", f"/images/{urllib.parse.quote(reference, safe='')}?force={int(force)}")


def containers_of(repository):
    """The containers (running or not) made from an image of `repository`."""
    return [c for c in engine_json("/containers/json?all=1") if c["Image"].startswith(repository + ":")]


def remove_containers(repository):
    for container in containers_of(repository):
        engine("DELETE", f"/containers/{container['Id']}?force=true")


class LavaServer:
    """A SQLite `lava-server serve` in its own data directory, with worker WORKER."""

    def __init__(self, binary, work, port):
        self.binary, self.port = binary, port
        self.data = tempfile.mkdtemp(dir=work)
        os.makedirs(f"{self.data}/etc")
        self.storage = ["--data-dir", self.data, "--database", f"sqlite:{self.data}/lava.sqlite3",
                        "--config-dir", f"{self.data}/etc"]
        added = subprocess.run([binary, "workers", "add", WORKER, *self.storage], capture_output=True, text=True,
                               check=True).stdout
        self.token = re.search(r"^token:\s*(\S+)", added, re.M).group(1)
        self.url = f"http://127.0.0.1:{port}/"
        self.process = None

    def get(self, path):
        """(status, parsed JSON or None) of a GET, (None, None) while nothing answers."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            return response.status, (json.loads(body) if response.status == 200 else None)
        except (OSError, http.client.HTTPException, ValueError):
            return None, None
        finally:
            connection.close()

    def serve(self, version):
        """Starts the server at `version`; returns time.time() of its first answer at that version."""
        self.process = subprocess.Popen([self.binary, "serve", "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
                                         *self.storage], env=dict(os.environ, LAVA_VERSION=version),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while True:
            status, answer = self.get("/api/v0.2/system/version/")
            if status == 200 and answer.get("version") == version:
                # Another server that took the port first would answer too.
                if self.process.poll() is None:
                    return time.time()
            if self.process.poll() is not None:
                sys.exit(f"lava-server serve at {version} exited with status {self.process.returncode}")
            time.sleep(0.02)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait()

    def restart(self, version):
        self.stop()
        return self.serve(version)

    def worker(self):
        return self.get(f"/api/v0.2/workers/{WORKER}/")[1]


def start_supervisor(bin_dir, server, image_template, data, *options):
    """lava-docker-worker for WORKER of `server`, logging to `<data>/lava-docker-worker.log`."""
    return subprocess.Popen([f"{bin_dir}/lava-docker-worker", "--url", server.url, "--name", WORKER,
                             "--token", server.token, "--worker-dir", f"{data}/worker", "--image", image_template,
                             "--docker-socket", SOCKET, "--log-file", f"{data}/lava-docker-worker.log",
                             "--build-dir", f"{data}/build", *options],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stamp(text):
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=datetime.timezone.utc).timestamp()


def log_lines(path):
    """(time, message) of each line of lava-docker-worker's log: a worker container's line
    (`> ` first) with the worker's own time, the others with the supervisor's. Both are UTC."""
    text = open(path).read() if os.path.exists(path) else ""
    lines = []
    for line in text.splitlines():
        outer = re.match(r"(\S+ \S+)\s+\w+ (.*)", line)
        if outer:
            inner = re.match(r"> (\S+ \S+)\s+\w+ (.*)", outer[2])
            lines.append((stamp(inner[1]), inner[2]) if inner else (stamp(outer[1]), outer[2]))
    return lines


def delete_from_registry(reference):
    """Deletes `registry/repository:tag` from a registry that allows it (scripts/docker-engine.sh's does)."""
    registry, _, rest = reference.partition("/")
    repository, tag = rest.rsplit(":", 1)
    accept = "application/vnd.docker.distribution.manifest.v2+json"
    connection = http.client.HTTPConnection(registry, timeout=30)
    try:
        connection.request("HEAD", f"/v2/{repository}/manifests/{tag}", headers={"Accept": accept})
        response = connection.getresponse()
        response.read()
        digest = response.getheader("Docker-Content-Digest")
        if response.status == 200 and digest:
            connection.request("DELETE", f"/v2/{repository}/manifests/{digest}")
            connection.getresponse().read()
    except OSError:
        pass
    finally:
        connection.close()
