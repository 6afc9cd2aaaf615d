#!/usr/bin/python3
"""Benchmark of lava-server's web pages (issue 15, "Benchmark"; figures go to BENCHMARKS.md):

    bench/pages.py [--backend sqlite|postgres|both] [--jobs 10000] [--workers 1000] [--devices N]
                   [--log-lines 1000000] [--duration 20] [--concurrent 8] [--signed-in] [--skip-wrk]
                   [--log-store files|database] [BINARY]

BINARY is a lava-server (default $LAVA_SERVER_BIN, else .build-static/release/lava-server). Per
backend, on a fresh database (SQLite in a temporary data directory, or PostgreSQL's
lava_bench_pages, dropped and made again on scripts/postgres.sh's cluster):

  1. the admin commands make the users and device types (and so the schema); then --workers
     workers (a tenth at another version), --devices devices and --jobs jobs (every state, health,
     several submitters and device types, a tenth personal, each with a ~1 KB docker definition)
     go straight into the database in one transaction, with the values the server writes;
  2. one finished job gets a log of --log-lines records (output.yaml and output.idx where
     JobLogFiles reads them, every level, a `results` record now and then with its test case),
     and an ordinary job one of 600; with --log-store database (PostgreSQL only) the same records
     go into job_log_batches instead, 1,000 lines a row as the server stores an upload;
  3. `lava-server serve --no-scheduler --web-dir server/` starts on a free port on 127.0.0.1, and
     each page is timed for --duration seconds by one keep-alive client asking again as soon as it
     has the whole answer (time to the first byte of the body, "first paint", and to the last),
     then by wrk -t1 -c4 --latency for --duration seconds;
  4. the server's VmRSS is sampled (every 20 ms) while one client reads the big log's pages one
     after the other (?start=0, ?start=1000, ...), then while --concurrent clients read them for
     --duration seconds; VmHWM is reset (/proc/PID/clear_refs) before each.

Every answer is checked: status 200, the rows each list must show (ids and names in order), the
summary's counts, the log page's first and last records. It prints a Markdown table per backend
and one JSON line with every number, and exits 1 if any answer was wrong.
"""
import argparse, array, hashlib, json, math, os, random, re, shutil, signal, socket, string, subprocess, sys
import tempfile, threading, time, traceback
from urllib.parse import quote

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VERSION = "2026.11"
OLD_VERSION = "2025.01"
PG_DATABASE = "lava_bench_pages"
LOG_PAGE = 1000
ORDINARY_LOG_LINES = 600
ALNUM = string.ascii_letters + string.digits

# States and healths as Sources/LavaServer/Model/States.swift numbers them.
W_ONLINE, W_OFFLINE = 0, 1
W_ACTIVE, W_MAINTENANCE, W_RETIRED = 0, 1, 2
D_IDLE, D_RESERVED, D_RUNNING = 0, 1, 2
D_GOOD, D_UNKNOWN, D_LOOPING, D_BAD, D_MAINTENANCE, D_RETIRED = range(6)
J_SUBMITTED, J_SCHEDULING, J_SCHEDULED, J_RUNNING, J_CANCELING, J_FINISHED = range(6)
H_UNKNOWN, H_COMPLETE, H_INCOMPLETE, H_CANCELED = range(4)

DEVICE_TYPES = [("docker", 40), ("qemu", 25), ("bbb", 10), ("rpi4-b", 10), ("juno-r2", 5), ("x86-nuc", 10)]
SUBMITTERS = [("ci-bot", 45), ("lava-health", 20), ("alice", 12), ("bob", 10), ("carol", 8), ("admin", 5)]
PROJECTS = ["kernelci", "lkft", "mesa-ci", "u-boot", "debian-images", "nightly"]

DEFINITION = """\
device_type: {device_type}
job_name: {name}
priority: {priority_name}
visibility: {visibility}
timeouts:
  job: {{minutes: 30}}
  action: {{minutes: 10}}
  connection: {{minutes: 2}}
metadata:
  source: https://ci.example.org/{project}/builds/{build}
  kernel.version: 6.1.{minor}
  build: '{build}'
context:
  arch: amd64
notify:
  criteria: {{status: finished}}
  recipients:
  - to: {{method: email, email: {submitter}@example.org}}
actions:
- deploy:
    to: docker
    image: debian:bookworm-slim
    os: debian
    timeout: {{minutes: 5}}
- boot:
    method: docker
    command: bash
    prompts: ['root@lava:/']
    timeout: {{minutes: 1}}
- test:
    timeout: {{minutes: 10}}
    definitions:
    - from: inline
      name: smoke
      path: inline/smoke.yaml
      repository:
        metadata: {{format: Lava-Test Test Definition 1.0, name: smoke, description: basic checks}}
        run:
          steps:
          - lava-test-case kernel --shell uname -a
          - lava-test-case os-release --shell test -f /etc/os-release
          - lava-test-case network --shell ip addr show
          - lava-test-case disk --shell df -h /
"""


def weighted(rng, choices):
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def token(rng):
    return "".join(rng.choice(ALNUM) for _ in range(32))


def percentile(values, p):
    """Nearest rank."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# --------------------------------------------------------------------------------------------
# The data set


class Dataset:
    """Rows for workers, devices, jobs and test_cases, and what the pages must show of them."""

    WORKER_COLUMNS = ["name", "token_hash", "description", "state", "health", "version", "last_ping", "last_contact", "job_limit"]
    DEVICE_COLUMNS = ["name", "device_type", "worker", "state", "health", "dictionary"]
    JOB_COLUMNS = ["id", "submitter", "description", "definition", "device_type", "requested_worker", "requested_device",
                   "priority", "state", "health", "token", "device", "worker", "submit_time", "scheduled_time", "start_time",
                   "end_time", "job_timeout", "queue_timeout", "error_type", "failure_comment", "visibility"]
    CASE_COLUMNS = ["job_id", "log_line", "suite", "name", "result", "measurement", "units", "test_set",
                    "start_log_line", "end_log_line", "metadata"]

    def __init__(self, jobs, workers, devices, log_lines, seed):
        rng = random.Random(seed)
        self.now = time.time()
        self.log_lines = log_lines
        self.make_workers(rng, workers)
        self.make_devices(rng, devices)
        self.make_jobs(rng, jobs)
        self.cases = []

    def make_workers(self, rng, count):
        width = max(4, len(str(count)))
        now = self.now
        self.workers = []
        for i in range(1, count + 1):
            name = f"worker-{i:0{width}d}"
            health = W_ACTIVE if rng.random() < 0.9 else (W_MAINTENANCE if rng.random() < 0.8 else W_RETIRED)
            if i % 10 == 3:
                # At another version: its pings get 409, so it has no accepted ping for long, but
                # it is in contact (LAVA's last_ping vs our last_contact).
                version, state = OLD_VERSION, W_OFFLINE
                last_contact, last_ping = now - rng.uniform(0, 20), now - rng.uniform(86400, 30 * 86400)
            elif rng.random() < 0.03:
                version, state, last_ping, last_contact = None, W_OFFLINE, None, None  # never pinged
            elif rng.random() < 0.9:
                version, state = VERSION, W_ONLINE
                last_ping = now - rng.uniform(0, 20)
                last_contact = last_ping
            else:
                version, state = VERSION, W_OFFLINE
                last_ping = now - rng.uniform(3600, 30 * 86400)
                last_contact = last_ping
            token_hash = hashlib.sha256(token(rng).encode()).hexdigest()
            description = f"lab {'ABCD'[i % 4]}, rack {i % 40 + 1}"
            self.workers.append((name, token_hash, description, state, health, version, last_ping, last_contact, 0))
        self.worker_by_name = {w[0]: w for w in self.workers}

    def make_devices(self, rng, count):
        names = [w[0] for w in self.workers]
        # Every worker has one device, the rest go anywhere.
        owners = names[:count] + [rng.choice(names) for _ in range(max(0, count - len(names)))]
        rows = []
        for j, owner in enumerate(owners, 1):
            kind = weighted(rng, DEVICE_TYPES)
            r = rng.random()
            health = (D_GOOD if r < 0.85 else D_UNKNOWN if r < 0.90 else D_BAD if r < 0.93 else
                      D_MAINTENANCE if r < 0.97 else D_RETIRED if r < 0.99 else D_LOOPING)
            rows.append([f"{kind}-{j:05d}", kind, owner, D_IDLE, health, ""])
        self.devices = rows
        self.device_types = sorted({d[1] for d in rows})

    def available(self, device):
        worker = self.worker_by_name[device[2]]
        return (device[3] == D_IDLE and device[4] in (D_GOOD, D_UNKNOWN) and worker[3] == W_ONLINE
                and worker[4] == W_ACTIVE and worker[5] == VERSION)

    def make_jobs(self, rng, count):
        now = self.now
        span = 30 * 86400
        recent = max(1, count // 20)
        free = {}
        for device in self.devices:
            if self.available(device):
                free.setdefault(device[1], []).append(device)
        for pool in free.values():
            rng.shuffle(pool)
        # The job with the big log and an ordinary one: finished, Complete, public, before the recent ones.
        self.big_id = count - recent - 10
        self.ordinary_id = self.big_id - 1
        self.jobs = []
        for job_id in range(1, count + 1):
            submit = now - span + (job_id - 1) * span / count + rng.uniform(0, span / count) * 0.5
            device = rng.choice(self.devices)
            kind = device[1]
            submitter = weighted(rng, SUBMITTERS)
            visibility = "personal" if rng.random() < 0.1 else "public"
            project = rng.choice(PROJECTS)
            name = f"{project} {kind} smoke #{job_id}"
            priority = rng.choice([50] * 8 + [0, 100])
            state = J_FINISHED
            if job_id > count - recent:
                r = rng.random()
                state = (J_SUBMITTED if r < 0.5 else J_RUNNING if r < 0.75 else J_SCHEDULED if r < 0.83 else
                         J_CANCELING if r < 0.85 else J_FINISHED)
            if job_id in (self.big_id, self.ordinary_id):
                state, visibility = J_FINISHED, "public"
            if state in (J_SCHEDULED, J_RUNNING, J_CANCELING):
                if free.get(kind):
                    device = free[kind].pop()
                    device[3] = D_RESERVED if state == J_SCHEDULED else D_RUNNING
                else:
                    state = J_SUBMITTED
            health, error_type, comment = H_UNKNOWN, "", ""
            scheduled = start = end = None
            dev = worker = None
            if state != J_SUBMITTED:
                dev, worker = device[0], device[2]
                scheduled = min(submit + rng.uniform(1, 600), now - 3)
                if state != J_SCHEDULED:
                    start = min(scheduled + rng.uniform(2, 30), now - 2)
                if state == J_FINISHED:
                    end = min(start + rng.uniform(60, 3600), now - 1)
                    r = rng.random()
                    health = H_COMPLETE if r < 0.75 else H_INCOMPLETE if r < 0.95 else H_CANCELED
                    if job_id in (self.big_id, self.ordinary_id):
                        health = H_COMPLETE
                        end = start + (3 * 3600 if job_id == self.big_id else 300)
                    if health == H_INCOMPLETE:
                        error_type = rng.choice(["Infrastructure", "Job", "Test", "Bug"])
                        comment = rng.choice([
                            "lava-docker-worker: the container exited with status 137 (killed)",
                            "boot: the prompt 'root@lava:/' did not come within 00:01:00",
                            "deploy: cannot pull debian:bookworm-slim: registry answered 503",
                            "job timed out after 00:30:00"])
            definition = DEFINITION.format(
                device_type=kind, name=name, visibility=visibility, project=project, build=rng.randrange(10 ** 6),
                minor=rng.randrange(200), submitter=submitter, priority_name={0: "low", 50: "medium", 100: "high"}[priority])
            self.jobs.append((job_id, submitter, name, definition, kind, None, None, priority, state, health, token(rng),
                              dev, worker, submit, scheduled, start, end, 1800.0, None, error_type, comment, visibility))
        self.job_by_id = {j[0]: j for j in self.jobs}
        self.devices = [tuple(d) for d in self.devices]

    def tables(self):
        """(table, columns, rows) in the order the foreign keys need."""
        cases = [(i,) + c for i, c in enumerate(self.cases, 1)]
        return [("workers", self.WORKER_COLUMNS, self.workers),
                ("devices", self.DEVICE_COLUMNS, self.devices),
                ("jobs", self.JOB_COLUMNS, self.jobs),
                ("test_cases", ["id"] + self.CASE_COLUMNS, cases)]

    # What the pages must show.

    def visible_ids(self, viewer=None):
        return [j[0] for j in reversed(self.jobs) if j[21] == "public" or j[1] == viewer]

    def worker_names(self):
        return sorted(w[0] for w in self.workers)

    def mismatched(self, name):
        version = self.worker_by_name[name][5]
        return version is not None and version != VERSION

    def summary(self):
        # An anonymous visitor's summary counts the public jobs only.
        states = [j[8] for j in self.jobs if j[21] == "public"]
        return {
            "workers-online": sum(w[3] == W_ONLINE for w in self.workers),
            "workers-offline": sum(w[3] != W_ONLINE for w in self.workers),
            "workers-mismatched": sum(self.mismatched(w[0]) for w in self.workers),
            "jobs-queued": states.count(J_SUBMITTED),
            "jobs-running": states.count(J_RUNNING),
        }


# --------------------------------------------------------------------------------------------
# Job logs in JobLogStorage's layout

TARGET_LINES = [
    "[{t:12.6f}] systemd[1]: Started Journal Service.",
    "[{t:12.6f}] EXT4-fs (vda1): mounted filesystem with ordered data mode. Quota mode: none.",
    "[{t:12.6f}] usb 1-1: new high-speed USB device number {n} using xhci_hcd",
    "+ lava-test-case case-{n} --shell test -d /proc/{n}",
    "<LAVA_SIGNAL_STARTTC case-{n}>",
    "root@lava:/# dd if=/dev/zero of=/tmp/x bs=1M count={n} && sync",
    "{n} packets transmitted, {n} received, 0% packet loss, time {n}ms",
    "Reading package lists... Done & \"quoted\" <tag> 'single'",
]
DEBUG_LINES = [
    "Calling: 'docker' 'exec' '--tty' 'lava-{n}' 'sh' '-c' 'echo {n}'",
    "Sending with 10 millisecond of delay",
    "matched a prompt (root@lava:/) after {t:.3f} seconds",
    "Using /var/lib/lava/dispatcher/tmp/{n} as temporary directory",
]
INFO_LINES = [
    "start: 3.{n} lava-test-shell (timeout 00:10:00) [common]",
    "end: 3.{n} lava-test-shell (duration 00:00:{s:02d}) [common]",
    "Test shell timeout: 10s (minimum of the action and connection timeout)",
]
OTHER_LINES = [("warning", "connection timed out after {s} seconds, retrying"),
               ("error", "lava-test-case case-{n} failed: exit code {s}"),
               ("input", "lava-test-case case-{n} --shell true"),
               ("feedback", "usb 1-1: reset high-speed USB device number {s}")]


def escape(text):
    return text.replace("\\", "\\\\").replace('"', '\\"')


def write_log(directory, lines, start_time, duration, seed, job_id):
    """output.yaml and output.idx of `lines` records; returns the test cases of its results records."""
    rng = random.Random(seed + job_id)
    os.makedirs(directory, exist_ok=True)
    offsets = array.array("Q")
    cases = []
    step = duration / max(1, lines)
    position = 0
    last_second, prefix = None, ""
    with open(os.path.join(directory, "output.yaml"), "wb") as out:
        batch = []
        for i in range(lines):
            moment = start_time + i * step
            second = int(moment)
            if second != last_second:
                last_second, prefix = second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
            dt = f"{prefix}.{int((moment - second) * 1e6):06d}"
            if i % 997 == 500:
                suite, case = "1_smoke", f"case-{i}"
                result = "pass" if rng.random() < 0.9 else rng.choice(["fail", "skip"])
                line = (f'- {{"dt": "{dt}", "lvl": "results", "msg": {{"definition": "{suite}", "case": "{case}", '
                        f'"result": "{result}"}}}}\n')
                cases.append((job_id, i, suite, case, result, None, None, None, None, None,
                              f"case: {case}\ndefinition: {suite}\nresult: {result}\n"))
            else:
                r = rng.random()
                n, s, t = rng.randrange(100000), rng.randrange(60), moment - start_time
                if r < 0.60:
                    level, template = "target", rng.choice(TARGET_LINES)
                elif r < 0.80:
                    level, template = "debug", rng.choice(DEBUG_LINES)
                elif r < 0.96:
                    level, template = "info", rng.choice(INFO_LINES)
                else:
                    level, template = rng.choice(OTHER_LINES)
                message = escape(template.format(n=n, s=s, t=t))
                line = f'- {{"dt": "{dt}", "lvl": "{level}", "msg": "{message}"}}\n'
            data = line.encode()
            offsets.append(position)
            position += len(data)
            batch.append(data)
            if len(batch) >= 20000:
                out.write(b"".join(batch))
                batch.clear()
        out.write(b"".join(batch))
    if sys.byteorder != "little":
        offsets.byteswap()
    with open(os.path.join(directory, "output.idx"), "wb") as index:
        index.write(offsets.tobytes())
    return cases


def log_directory(data_dir, job_id, submit_time):
    """JobLogStorage.directory(jobID:submitTime:): job-output/YYYY/MM/DD/<id>, the UTC date of submit_time."""
    day = time.gmtime(submit_time)
    return os.path.join(data_dir, "job-output", f"{day.tm_year:04d}", f"{day.tm_mon:02d}", f"{day.tm_mday:02d}", str(job_id))


def make_logs(dataset, cache, seed):
    """Writes the two logs once into `cache`; returns their test cases."""
    cases = []
    for job_id, lines in ((dataset.big_id, dataset.log_lines), (dataset.ordinary_id, ORDINARY_LOG_LINES)):
        job = dataset.job_by_id[job_id]
        cases += write_log(os.path.join(cache, str(job_id)), lines, job[15], job[16] - job[15], seed, job_id)
    return cases


def place_logs(dataset, cache, data_dir):
    for job_id in (dataset.big_id, dataset.ordinary_id):
        target = log_directory(data_dir, job_id, dataset.job_by_id[job_id][13])
        os.makedirs(target, exist_ok=True)
        for name in ("output.yaml", "output.idx"):
            source = os.path.join(cache, str(job_id), name)
            try:
                os.link(source, os.path.join(target, name))
            except OSError:
                shutil.copyfile(source, os.path.join(target, name))


# --------------------------------------------------------------------------------------------
# The databases


def insert_sqlite(path, dataset):
    import sqlite3
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("BEGIN")
        for table, columns, rows in dataset.tables():
            connection.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)
        connection.execute("COMMIT")
    finally:
        connection.close()


def copy_text(value):
    if value is None:
        return "\\N"
    if isinstance(value, float):
        return repr(value)
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def insert_postgres(url, dataset):
    """One psql script, one transaction: COPY of every table, the sequences moved past the ids, ANALYZE."""
    parts = ["\\set ON_ERROR_STOP on\n", "BEGIN;\n"]
    for table, columns, rows in dataset.tables():
        parts.append(f"COPY {table} ({', '.join(columns)}) FROM STDIN;\n")
        parts.extend("\t".join(copy_text(v) for v in row) + "\n" for row in rows)
        parts.append("\\.\n")
    parts.append("SELECT setval(pg_get_serial_sequence('jobs', 'id'), (SELECT max(id) FROM jobs));\n")
    parts.append("SELECT setval(pg_get_serial_sequence('test_cases', 'id'), COALESCE((SELECT max(id) FROM test_cases), 1));\n")
    parts.append("COMMIT;\nANALYZE;\n")
    subprocess.run(["psql", url, "-X", "-q", "-o", "/dev/null"], input="".join(parts).encode(), check=True)




def insert_log_batches(url, dataset, cache, lines_per_batch=1000):
    """The two logs as `job_log_batches` rows, as JobLogTable stores them (the lines of a batch,
    and each line's offset in them as 4 bytes little-endian), and their jobs' log_store = 1."""
    parts = ["\\set ON_ERROR_STOP on\n", "BEGIN;\n", "COPY job_log_batches (job_id, first_line, line_count, offsets, lines) FROM STDIN;\n"]
    for job_id in (dataset.big_id, dataset.ordinary_id):
        with open(os.path.join(cache, str(job_id), "output.yaml"), "rb") as data_file:
            data = data_file.read()
        offsets = array.array("Q")
        with open(os.path.join(cache, str(job_id), "output.idx"), "rb") as index_file:
            offsets.frombytes(index_file.read())
        if sys.byteorder != "little":
            offsets.byteswap()
        for first in range(0, len(offsets), lines_per_batch):
            count = min(lines_per_batch, len(offsets) - first)
            start = offsets[first]
            end = offsets[first + count] if first + count < len(offsets) else len(data)
            relative = array.array("I", (offsets[i] - start for i in range(first, first + count)))
            if sys.byteorder != "little":
                relative.byteswap()
            parts.append(f"{job_id}\t{first}\t{count}\t\\\\x{relative.tobytes().hex()}\t\\\\x{data[start:end].hex()}\n")
    parts.append("\\.\n")
    parts.append(f"UPDATE jobs SET log_store = 1 WHERE id IN ({dataset.big_id}, {dataset.ordinary_id});\n")
    parts.append("COMMIT;\nANALYZE job_log_batches;\n")
    subprocess.run(["psql", url, "-X", "-q", "-o", "/dev/null"], input="".join(parts).encode(), check=True)


# --------------------------------------------------------------------------------------------
# HTTP


class Answer:
    __slots__ = ("status", "headers", "cookies", "body", "head", "first", "total")

    def __init__(self, status, headers, cookies, body, head, first, total):
        self.status, self.headers, self.cookies, self.body = status, headers, cookies, body
        self.head, self.first, self.total = head, first, total


class Client:
    """One keep-alive HTTP/1.1 connection. Times each answer: to its status line (`head`), to the
    first byte of its body (`first`: the page's first paint) and to its last byte (`total`)."""

    def __init__(self, port, cookie=None):
        self.port, self.cookie = port, cookie
        self.sock = self.reader = None

    def close(self):
        if self.sock:
            self.reader.close()
            self.sock.close()
        self.sock = self.reader = None

    def connect(self):
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=300)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = self.sock.makefile("rb", buffering=1 << 16)

    def get(self, path):
        return self.request("GET", path)

    def request(self, method, path, body=b"", headers=()):
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", "User-Agent: lava-bench-pages",
                 "Accept: text/html"]
        if self.cookie:
            lines.append("Cookie: " + self.cookie)
        lines += list(headers)
        if method == "POST":
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        data = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        for attempt in (0, 1):
            reused = self.sock is not None
            if not reused:
                self.connect()
            start = time.perf_counter()
            try:
                self.sock.sendall(data)
                status_line = self.reader.readline()
                if not status_line:
                    raise ConnectionError("connection closed before an answer")
            except (ConnectionError, OSError):
                self.close()
                if reused and attempt == 0:
                    continue  # the server closed an idle kept-alive connection
                raise
            return self.read_answer(status_line, start)

    def read_answer(self, status_line, start):
        reader = self.reader
        head = time.perf_counter() - start
        status = int(status_line.split()[1])
        headers, cookies = {}, []
        while True:
            line = reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            key, _, value = line.decode("latin-1").partition(":")
            key, value = key.strip().lower(), value.strip()
            if key == "set-cookie":
                cookies.append(value)
            headers[key] = value
        body, first = bytearray(), None
        if headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int(reader.readline().split(b";")[0].strip(), 16)
                if first is None:
                    first = time.perf_counter() - start
                if size == 0:
                    while reader.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                body += reader.read(size)
                reader.read(2)
        elif "content-length" in headers:
            length = int(headers["content-length"])
            if length:
                reader.peek(1)
                first = time.perf_counter() - start
                body += reader.read(length)
        else:
            body += reader.read()
            self.close()
        total = time.perf_counter() - start
        if headers.get("connection", "").lower() == "close":
            self.close()
        return Answer(status, headers, cookies, bytes(body), head, first if first is not None else total, total)


def sign_in(port, user, api_token):
    """The session cookie of `user`, through /accounts/login/ as a browser does."""
    client = Client(port)
    form = client.get("/accounts/login/")
    csrf = next(c.split(";")[0] for c in form.cookies if c.startswith("csrftoken="))
    client.cookie = csrf
    body = f"csrf_token={quote(csrf.split('=', 1)[1])}&username={quote(user)}&token={quote(api_token)}&next=/".encode()
    answer = client.request("POST", "/accounts/login/", body)
    client.close()
    session = [c.split(";")[0] for c in answer.cookies if c.startswith("sessionid=")]
    if answer.status != 303 or not session:
        raise RuntimeError(f"sign-in as {user}: {answer.status} {answer.body[:300]!r}")
    return session[0]


# --------------------------------------------------------------------------------------------
# The pages and what each must show


def ids_in(body, attribute):
    return re.findall(rb'<tr data-' + attribute + rb'="([^"]+)"', body)


def check_rows(attribute, expected):
    want = [str(x).encode() for x in expected]

    def check(answer):
        got = ids_in(answer.body, attribute)
        if got != want:
            return f"rows {[g.decode() for g in got[:5]]}... ({len(got)}) instead of {[w.decode() for w in want[:5]]}... ({len(want)})"
    return check


def check_workers(dataset, offset, length):
    names = dataset.worker_names()[offset:offset + length]
    rows = check_rows(b"worker", names)
    badges = sum(dataset.mismatched(n) for n in names)

    def check(answer):
        problem = rows(answer)
        if problem:
            return problem
        found = answer.body.count(b'<span class="badge mismatch">')
        if found != badges:
            return f"{found} mismatch badges instead of {badges}"
    return check


def check_summary(dataset):
    expected = dataset.summary()

    def check(answer):
        for key, value in expected.items():
            match = re.search(rb'id="' + key.encode() + rb'"[^>]*>(\d+)<', answer.body)
            if not match or int(match.group(1)) != value:
                return f"{key} is {match.group(1).decode() if match else 'missing'} instead of {value}"
    return check


def check_log(first, last, count):
    def check(answer):
        body = answer.body
        for n in (first, last):
            if f'id="L{n}"'.encode() not in body:
                return f'no id="L{n}"'
        if f'id="L{last + 1}"'.encode() in body or (first > 0 and f'id="L{first - 1}"'.encode() in body):
            return "records outside the page"
        found = body.count(b'<code class="')
        if found != last - first + 1:
            return f"{found} records instead of {last - first + 1}"
        if f'<span id="log-count">{count}</span>'.encode() not in body:
            return f"the log count is not {count}"
        if not body.rstrip().endswith(b"</html>"):
            return "the page does not end with </html>"
    return check


def log_page_check(start, count):
    return check_log(start, min(start + LOG_PAGE, count) - 1, count)


def pages(dataset, viewer=None):
    """(name, path, check) of every timed page."""
    public = dataset.visible_ids()
    per_page = 25
    deep = min(200, max(1, math.ceil(len(public) / per_page)))
    workers = len(dataset.workers)
    # ?start=999000 of the 1,000,000-record log; the last page of a shorter one.
    big_start = min(999000, (dataset.log_lines - 1) // LOG_PAGE * LOG_PAGE)
    listed = [
        ("job list", "/scheduler/alljobs", check_rows(b"job", public[:per_page])),
        (f"job list, page {deep}", f"/scheduler/alljobs?page={deep}",
         check_rows(b"job", public[(deep - 1) * per_page:deep * per_page])),
        ("fleet (100 workers)", "/scheduler/allworkers", check_workers(dataset, 0, 100)),
        (f"fleet, length=500", "/scheduler/allworkers?length=500", check_workers(dataset, 0, 500)),
        ("devices (100)", "/scheduler/alldevices", check_rows(b"device", sorted(d[0] for d in dataset.devices)[:100])),
        (f"job page ({ORDINARY_LOG_LINES} records)", f"/scheduler/job/{dataset.ordinary_id}",
         log_page_check(0, ORDINARY_LOG_LINES)),
        (f"big log, first page", f"/scheduler/job/{dataset.big_id}", log_page_check(0, dataset.log_lines)),
        (f"big log, ?start={big_start}", f"/scheduler/job/{dataset.big_id}?start={big_start}",
         log_page_check(big_start, dataset.log_lines)),
        ("summary /", "/", check_summary(dataset)),
    ]
    if viewer:
        mine = dataset.visible_ids(viewer)
        deep_mine = min(200, max(1, math.ceil(len(mine) / per_page)))
        listed[2:2] = [
            (f"job list as {viewer}", "/scheduler/alljobs", check_rows(b"job", mine[:per_page]), True),
            (f"job list as {viewer}, page {deep_mine}", f"/scheduler/alljobs?page={deep_mine}",
             check_rows(b"job", mine[(deep_mine - 1) * per_page:deep_mine * per_page]), True),
        ]
    return [p if len(p) == 4 else p + (False,) for p in listed]


# --------------------------------------------------------------------------------------------
# Measuring


class Errors:
    def __init__(self):
        self.items = []
        self.lock = threading.Lock()

    def add(self, text):
        with self.lock:
            self.items.append(text)
            if len(self.items) <= 20:
                print(f"ERROR: {text}", file=sys.stderr, flush=True)


def verify(answer, check):
    if answer.status != 200:
        return f"status {answer.status}: {answer.body[:200]!r}"
    return check(answer)


def time_page(port, name, path, check, duration, cookie, errors):
    client = Client(port, cookie)
    try:
        for _ in range(3):  # warm-up, not counted
            problem = verify(client.get(path), check)
            if problem:
                errors.add(f"{name} ({path}): {problem}")
        totals, firsts, sizes, bad = [], [], [], 0
        deadline = time.perf_counter() + duration
        while time.perf_counter() < deadline or len(totals) < 5:
            answer = client.get(path)
            problem = verify(answer, check)
            if problem:
                bad += 1
                if bad <= 3:
                    errors.add(f"{name} ({path}): {problem}")
            totals.append(answer.total)
            firsts.append(answer.first)
            sizes.append(len(answer.body))
    finally:
        client.close()
    return {"requests": len(totals), "wrong": bad, "bytes": max(sizes),
            "p50_ms": percentile(totals, 50) * 1000, "p99_ms": percentile(totals, 99) * 1000,
            "first_byte_p50_ms": percentile(firsts, 50) * 1000, "first_byte_p99_ms": percentile(firsts, 99) * 1000}


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def wrk_ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def run_wrk(port, name, path, duration, cookie, errors):
    command = ["wrk", "-t1", "-c4", f"-d{max(1, round(duration))}s", "--latency", "--timeout", "30s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True).stdout
    result = {}
    try:
        result["requests"] = int(re.search(r"(\d+) requests in", out).group(1))
        result["req_s"] = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        result["p50_ms"] = wrk_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
        result["p99_ms"] = wrk_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    except AttributeError:
        errors.add(f"{name} ({path}): cannot read wrk's output: {out!r}")
        return result
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: (.*)", out)
    if non2xx:
        errors.add(f"{name} ({path}): wrk saw {non2xx.group(1)} answers that were not 2xx/3xx")
        result["non_2xx"] = int(non2xx.group(1))
    if sockets:
        errors.add(f"{name} ({path}): wrk socket errors: {sockets.group(1)}")
        result["socket_errors"] = sockets.group(1)
    return result


def status_kib(pid):
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values


def reset_hwm(pid):
    """Writing 5 to clear_refs resets VmHWM to the current RSS (Linux ≥ 4.0)."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


class Sampler(threading.Thread):
    def __init__(self, pid, interval=0.02):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples = []
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            self.samples.append(status_kib(self.pid)["VmRSS"])
            self.halt.wait(self.interval)

    def stop(self):
        self.halt.set()
        self.join()
        return self.samples


def read_log_sequentially(port, dataset, server_pid, errors):
    """All pages of the big log one after the other, as one reader paging through it."""
    count = dataset.log_lines
    starts = list(range(0, count, LOG_PAGE))
    hwm_reset = reset_hwm(server_pid)
    before = status_kib(server_pid)["VmRSS"]
    sampler = Sampler(server_pid)
    sampler.start()
    client = Client(port)
    times, bad, marks = [], 0, {}
    for index, start in enumerate(starts):
        answer = client.get(f"/scheduler/job/{dataset.big_id}?start={start}")
        problem = verify(answer, log_page_check(start, count))
        if problem:
            bad += 1
            if bad <= 3:
                errors.add(f"big log ?start={start}: {problem}")
        times.append(answer.total)
        for fraction in (0.1, 0.5, 1.0):
            if index + 1 == max(1, round(len(starts) * fraction)):
                marks[f"{int(fraction * 100)}%"] = status_kib(server_pid)["VmRSS"]
    client.close()
    samples = sampler.stop()
    status = status_kib(server_pid)
    time.sleep(2)
    settled = status_kib(server_pid)["VmRSS"]
    tenth = max(1, len(samples) // 10)
    return {"pages": len(starts), "wrong": bad, "vmrss_before_kib": before, "vmrss_min_kib": min(samples),
            "vmrss_max_kib": max(samples), "vmrss_after_kib": status["VmRSS"], "vmrss_after_2s_kib": settled,
            "vmrss_at": marks, "vmrss_first_tenth_max_kib": max(samples[:tenth]),
            "vmrss_last_tenth_max_kib": max(samples[-tenth:]),
            "vmhwm_kib": status["VmHWM"], "vmhwm_reset": hwm_reset, "samples": len(samples),
            "page_p50_ms": percentile(times, 50) * 1000, "page_p99_ms": percentile(times, 99) * 1000,
            "seconds": sum(times)}


def read_log_concurrently(port, dataset, server_pid, clients, duration, errors):
    """`clients` readers, each paging through the whole big log from its own place, for `duration` s."""
    count = dataset.log_lines
    starts = list(range(0, count, LOG_PAGE))
    hwm_reset = reset_hwm(server_pid)
    before = status_kib(server_pid)["VmRSS"]
    sampler = Sampler(server_pid)
    sampler.start()
    deadline = time.perf_counter() + duration
    times, wrong = [[] for _ in range(clients)], [0] * clients

    def reader(k):
        client = Client(port)
        first = k * len(starts) // clients
        for i in range(len(starts)):
            if time.perf_counter() >= deadline:
                break
            start = starts[(first + i) % len(starts)]
            try:
                answer = client.get(f"/scheduler/job/{dataset.big_id}?start={start}")
            except OSError as error:
                wrong[k] += 1
                errors.add(f"big log ?start={start}, client {k}: {error}")
                client.close()
                continue
            problem = verify(answer, log_page_check(start, count))
            if problem:
                wrong[k] += 1
                if wrong[k] <= 2:
                    errors.add(f"big log ?start={start}, client {k}: {problem}")
            times[k].append(answer.total)
        client.close()

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    samples = sampler.stop()
    status = status_kib(server_pid)
    time.sleep(2)
    settled = status_kib(server_pid)["VmRSS"]
    every = [t for per in times for t in per]
    return {"clients": clients, "pages": len(every), "wrong": sum(wrong), "seconds": elapsed,
            "pages_s": len(every) / elapsed if elapsed else 0,
            "vmrss_before_kib": before, "vmrss_min_kib": min(samples), "vmrss_max_kib": max(samples),
            "vmrss_after_kib": status["VmRSS"], "vmrss_after_2s_kib": settled, "vmhwm_kib": status["VmHWM"],
            "vmhwm_reset": hwm_reset, "samples": len(samples),
            "page_p50_ms": percentile(every, 50) * 1000 if every else None,
            "page_p99_ms": percentile(every, 99) * 1000 if every else None}


# --------------------------------------------------------------------------------------------
# The server


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_database():
    base = subprocess.run([os.path.join(ROOT, "scripts/postgres.sh"), "start"], check=True, capture_output=True,
                          text=True).stdout.strip()
    root = base.rsplit("/", 1)[0]
    subprocess.run(["psql", root + "/postgres", "-XAq", "-v", "ON_ERROR_STOP=1",
                    "-c", f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)", "-c", f"CREATE DATABASE {PG_DATABASE}"],
                   check=True, capture_output=True)
    return root, f"{root}/{PG_DATABASE}"


def drop_postgres_database(root):
    subprocess.run(["psql", root + "/postgres", "-XAq", "-c", f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"],
                   capture_output=True)


class Server:
    def __init__(self, binary, storage, port, log_path, env):
        self.binary, self.storage, self.port, self.log_path, self.env = binary, storage, port, log_path, env
        self.process = None

    def start(self):
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--bind", f"127.0.0.1:{self.port}", "--no-scheduler", "--log-level", "warning",
             "--web-dir", os.path.join(ROOT, "server")] + self.storage,
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT, cwd="/")
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"lava-server exited with {self.process.returncode}: {self.tail()}")
            try:
                client = Client(self.port)
                answer = client.get("/health")
                client.close()
                if answer.status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"lava-server did not answer /health in 120 s: {self.tail()}")

    def tail(self):
        try:
            with open(self.log_path, "rb") as log:
                return log.read()[-3000:].decode(errors="replace")
        except OSError:
            return ""

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.log.close()
        self.process = None


def admin(binary, storage, env, *arguments):
    return subprocess.run([binary, *arguments, *storage], env=env, check=True, capture_output=True, text=True, cwd="/").stdout


def run_backend(backend, args, dataset, log_cache, errors):
    data = tempfile.mkdtemp(prefix=f"lava-bench-pages-{backend}.")
    pg_root = None
    server = None
    result = {"backend": backend}
    try:
        if backend == "postgres":
            pg_root, database = postgres_database()
        else:
            database = f"sqlite:{data}/lava.sqlite3"
        storage = ["--data-dir", data, "--database", database, "--config-dir", f"{data}/etc"]
        env = dict(os.environ, LAVA_VERSION=VERSION)
        env.pop("LAVA_SERVER_DATABASE", None)
        began = time.perf_counter()
        # The admin commands open the database, which makes the schema; the rest goes in directly.
        tokens = {}
        for name, _ in SUBMITTERS:
            extra = ["--admin"] if name == "admin" else []
            tokens[name] = admin(args.binary, storage, env, "users", "add", name, *extra).strip().splitlines()[-1]
        for kind in dataset.device_types:
            admin(args.binary, storage, env, "device-types", "add", kind)
        if backend == "postgres":
            insert_postgres(database, dataset)
        else:
            insert_sqlite(f"{data}/lava.sqlite3", dataset)
        if args.log_store == "database":
            if backend != "postgres":
                raise RuntimeError("--log-store database is for PostgreSQL: give --backend postgres")
            insert_log_batches(database, dataset, log_cache)
        else:
            place_logs(dataset, log_cache, data)
        result["log_store"] = args.log_store
        result["seed_s"] = time.perf_counter() - began
        print(f"== {backend}: seeded {len(dataset.workers)} workers, {len(dataset.devices)} devices, {len(dataset.jobs)} jobs, "
              f"{len(dataset.cases)} test cases in {result['seed_s']:.1f} s", file=sys.stderr, flush=True)

        port = args.port or free_port()
        server = Server(args.binary, storage, port, f"{data}/server.log", env)
        server.start()
        pid = server.process.pid
        time.sleep(2)
        result["vmrss_idle_kib"] = status_kib(pid)["VmRSS"]
        cookie = sign_in(port, "alice", tokens["alice"]) if args.signed_in else None

        result["pages"] = {}
        for name, path, check, as_viewer in pages(dataset, "alice" if args.signed_in else None):
            use_cookie = cookie if as_viewer else None
            print(f"== {backend}: {name}: {path}", file=sys.stderr, flush=True)
            row = {"path": path, "loop": time_page(port, name, path, check, args.duration, use_cookie, errors)}
            if not args.skip_wrk:
                row["wrk"] = run_wrk(port, name, path, args.duration, use_cookie, errors)
            result["pages"][name] = row
            if server.process.poll() is not None:
                raise RuntimeError(f"lava-server exited: {server.tail()}")

        print(f"== {backend}: reading the {dataset.log_lines}-record log page by page", file=sys.stderr, flush=True)
        result["log_sequential"] = read_log_sequentially(port, dataset, pid, errors)
        print(f"== {backend}: {args.concurrent} clients reading it for {args.duration} s", file=sys.stderr, flush=True)
        result["log_concurrent"] = read_log_concurrently(port, dataset, pid, args.concurrent, args.duration, errors)
        result["vmrss_end_kib"] = status_kib(pid)["VmRSS"]
        if server.process.poll() is not None:
            raise RuntimeError(f"lava-server exited: {server.tail()}")
    except Exception as error:
        traceback.print_exc()
        errors.add(f"{backend}: {error}")
        if server:
            print(server.tail(), file=sys.stderr)
    finally:
        if server:
            server.stop()
        if args.keep:
            print(f"== {backend}: kept {data}" + (f" and database {PG_DATABASE}" if pg_root else ""), file=sys.stderr)
        else:
            shutil.rmtree(data, ignore_errors=True)
            if pg_root:
                drop_postgres_database(pg_root)
    return result


# --------------------------------------------------------------------------------------------
# Report


def ms(value):
    return "–" if value is None else f"{value:.1f}"


def mib(kib):
    return "–" if kib is None else f"{kib / 1024:.1f}"


def report(result, args, dataset):
    backend = result["backend"]
    lines = [f"\n### {backend}: {len(dataset.jobs)} jobs, {len(dataset.workers)} workers, {len(dataset.devices)} devices, "
             f"a {dataset.log_lines}-record log; {args.duration:g} s per page and tool\n"]
    lines.append("| page | bytes | one client: requests | p50 ms | p99 ms | first byte p50 ms | first byte p99 ms |"
                 " wrk -c4: req/s | p50 ms | p99 ms |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, row in result.get("pages", {}).items():
        loop, wrk = row["loop"], row.get("wrk", {})
        lines.append(f"| {name} | {loop['bytes']} | {loop['requests']} | {ms(loop['p50_ms'])} | {ms(loop['p99_ms'])} | "
                     f"{ms(loop['first_byte_p50_ms'])} | {ms(loop['first_byte_p99_ms'])} | "
                     f"{wrk.get('req_s', '–')} | {ms(wrk.get('p50_ms'))} | {ms(wrk.get('p99_ms'))} |")
    lines.append("")
    lines.append("| log read | pages | page p50 ms | page p99 ms | VmRSS before MiB | min | max | after | 2 s later |"
                 " VmHWM MiB |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for key, label in (("log_sequential", "one reader, every page in order"),
                       ("log_concurrent", f"{args.concurrent} readers, {args.duration:g} s")):
        r = result.get(key)
        if not r:
            continue
        lines.append(f"| {label} | {r['pages']} | {ms(r['page_p50_ms'])} | {ms(r['page_p99_ms'])} | "
                     f"{mib(r['vmrss_before_kib'])} | {mib(r['vmrss_min_kib'])} | {mib(r['vmrss_max_kib'])} | "
                     f"{mib(r['vmrss_after_kib'])} | {mib(r['vmrss_after_2s_kib'])} | {mib(r['vmhwm_kib'])} |")
    seq = result.get("log_sequential")
    if seq:
        marks = ", ".join(f"{k} {mib(v)}" for k, v in seq["vmrss_at"].items())
        lines.append(f"\nVmRSS idle {mib(result.get('vmrss_idle_kib'))} MiB; while reading in order: after {marks} MiB "
                     f"of the pages; highest in the first tenth {mib(seq['vmrss_first_tenth_max_kib'])} MiB, in the last "
                     f"tenth {mib(seq['vmrss_last_tenth_max_kib'])} MiB. Seeding took {result.get('seed_s', 0):.1f} s.")
    print("\n".join(lines), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 2)[2])
    parser.add_argument("binary", nargs="?", default=os.environ.get("LAVA_SERVER_BIN", os.path.join(ROOT, ".build-static/release/lava-server")))
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--jobs", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--devices", type=int, help="default: twice --workers")
    parser.add_argument("--log-lines", type=int, default=1000000)
    parser.add_argument("--log-store", choices=["files", "database"], default="files")
    parser.add_argument("--duration", type=float, default=20, help="seconds per page and tool, and of the concurrent log read")
    parser.add_argument("--concurrent", type=int, default=8, help="clients reading the big log at once")
    parser.add_argument("--signed-in", action="store_true", help="also time the job list as a signed-in user (alice)")
    parser.add_argument("--skip-wrk", action="store_true", help="time with the one keep-alive client only")
    parser.add_argument("--port", type=int, help="default: a free one")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the data directory and database")
    args = parser.parse_args()
    if args.jobs < 40 or args.workers < 2 or args.log_lines < 1:
        parser.error("need at least 40 jobs, 2 workers and 1 log line")
    args.devices = args.devices or 2 * args.workers
    args.binary = os.path.abspath(args.binary)
    if not os.access(args.binary, os.X_OK):
        parser.error(f"no lava-server at {args.binary}: build it (bench/pages.sh does) or name it")
    if not args.skip_wrk and not shutil.which("wrk"):
        parser.error("wrk is not installed (scripts/install-deps.sh installs it); or use --skip-wrk")

    began = time.perf_counter()
    dataset = Dataset(args.jobs, args.workers, args.devices, args.log_lines, args.seed)
    scratch = tempfile.mkdtemp(prefix="lava-bench-pages-logs.")
    errors = Errors()
    results = []
    try:
        dataset.cases = make_logs(dataset, scratch, args.seed)
        print(f"== data set and logs made in {time.perf_counter() - began:.1f} s (big log: job {dataset.big_id}, "
              f"{os.path.getsize(os.path.join(scratch, str(dataset.big_id), 'output.yaml')) / 2 ** 20:.0f} MiB; "
              f"ordinary job {dataset.ordinary_id})", file=sys.stderr, flush=True)
        for backend in (["sqlite", "postgres"] if args.backend == "both" else [args.backend]):
            result = run_backend(backend, args, dataset, scratch, errors)
            report(result, args, dataset)
            results.append(result)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(json.dumps({"bench": "pages", "binary": args.binary, "jobs": args.jobs, "workers": args.workers,
                      "devices": len(dataset.devices), "log_lines": args.log_lines, "duration_s": args.duration,
                      "big_job": dataset.big_id, "ordinary_job": dataset.ordinary_id, "results": results,
                      "errors": errors.items}, separators=(",", ":")), flush=True)
    if errors.items:
        print(f"{len(errors.items)} wrong answers or failures (first: {errors.items[0]})", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
