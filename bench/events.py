#!/usr/bin/env python3
"""Benchmarks of lava-server's event stream, /ws/ (figures go to BENCHMARKS.md):

    bench/events.py [--listeners 1000] [--idle 10000] [--duration 10] [--workers 1] [--database sqlite|postgres]
                    [--generator flap|notify]

A release lava-server (.build-release, or $LAVA_SERVER_BIN) on a fresh database (SQLite in a
temporary directory, or PostgreSQL's lava_bench, dropped and made again on scripts/postgres.sh's
cluster) serves on 127.0.0.1:8100 with --max-connections raised. Then:
  1. memory: the server's RSS before and after --idle WebSocket clients completed their
     handshake and sat idle for 5 s: the cost of one idle client;
  2. fan-out: --listeners clients listen while wrk (bench/flap.lua, one thread and connection
     per worker, --workers of them) sends pings that flip each worker between Online and
     Offline, one event per ping; or, with --generator notify (PostgreSQL), pgbench clients
     (--workers of them) that NOTIFY worker events on lava_events, 10 a transaction, as a
     scheduler or another instance does, so events are made faster than pings can; every message
     each listener receives is counted, and the events per second the instance delivered to
     all of them is what the listeners received divided by the time from the first ping to the
     last message.
Clients are raw asyncio sockets (the handshake, then reading), so they cost the 2 cores as
little as a client can; they share the machine with the server and wrk.
"""
import argparse, asyncio, base64, os, re, resource, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PORT = 8100
VERSION = "2026.11"
MARK = b"org.lavasoftware.worker"
# The reason of the close frame (1008) a listener that fell behind gets; shorter than MARK, so the
# tail kept between reads joins it too.
DROPPED = b"too slow: more than"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        return int(next(l for l in status if l.startswith("VmRSS")).split()[1])


class Listener:
    def __init__(self):
        self.count = 0
        self.last = 0.0
        self.closed = False
        # The server's close frame for a listener that fell behind: 1008 and its reason. The
        # connection itself ends after the close timeout (this client never answers the frame).
        self.dropped = False
        self.writer = None

    async def connect(self):
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        self.writer = writer
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write((f"GET /ws/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 101"):
            raise RuntimeError(head.decode(errors="replace"))
        return reader

    async def read(self, reader):
        # Counting the topic in the raw bytes is exact here: each message names it once, and a
        # read that splits it is joined with the tail of the one before.
        tail = b""
        while True:
            data = await reader.read(1 << 16)
            if not data:
                self.closed = True
                return
            chunk = tail + data
            if DROPPED in chunk:
                self.dropped = True
            found = chunk.count(MARK)
            if found:
                self.count += found
                self.last = time.monotonic()
            # Too short to hold the mark again, long enough to join one split in two.
            tail = chunk[-(len(MARK) - 1):]


async def open_all(n, parallel=200):
    gate = asyncio.Semaphore(parallel)
    listeners = [Listener() for _ in range(n)]

    async def one(listener):
        async with gate:
            return await listener.connect()

    readers = await asyncio.gather(*(one(l) for l in listeners))
    tasks = [asyncio.create_task(l.read(r)) for l, r in zip(listeners, readers)]
    return listeners, tasks


async def close_all(listeners, tasks):
    for task in tasks:
        task.cancel()
    for listener in listeners:
        listener.writer.close()
    await asyncio.sleep(1)


async def memory(server, idle):
    before = rss_kib(server.pid)
    listeners, tasks = await open_all(idle)
    await asyncio.sleep(5)
    after = rss_kib(server.pid)
    await close_all(listeners, tasks)
    return before, after


# One transaction of the notify generator: 10 worker events, each with its own id (PostgreSQL
# folds identical notifications of one transaction into one), in NotifyOutlet's format.
NOTIFY_PER_TRANSACTION = 10
NOTIFY_SCRIPT = "\\set n random(1, 1000000000)\nBEGIN;\n" + "".join(
    "SELECT pg_notify('lava_events', '{\"kind\":\"worker\",\"id\":\"bench-' || :n || '-%d\",\"time\":0,"
    "\"username\":\"lavaserver\",\"data\":{\"hostname\":\"bench-worker-1\",\"health\":\"Active\",\"state\":\"Online\"},"
    "\"audience\":{\"everyone\":{}}}');\n" % i for i in range(NOTIFY_PER_TRANSACTION)) + "COMMIT;\n"


async def generate(generator, duration, workers, database, scratch):
    """Makes events for `duration` seconds; returns how many."""
    if generator == "notify":
        script = os.path.join(scratch, "notify.sql")
        with open(script, "w") as f:
            f.write(NOTIFY_SCRIPT)
        bench = await asyncio.create_subprocess_exec(
            "pgbench", "-n", f"-c{len(workers)}", f"-j{len(workers)}", f"-T{duration}", "-f", script, database,
            stdout=asyncio.subprocess.PIPE)
        out, _ = await bench.communicate()
        return int(re.search(rb"number of transactions actually processed: (\d+)", out).group(1)) * NOTIFY_PER_TRANSACTION
    env = dict(os.environ, WORKERS=",".join(workers), TOKENS=",".join(workers.values()), VERSION=VERSION)
    wrk = await asyncio.create_subprocess_exec(
        "wrk", f"-t{len(workers)}", f"-c{len(workers)}", f"-d{duration}s", "-s", os.path.join(ROOT, "bench/flap.lua"), f"http://127.0.0.1:{PORT}",
        env=env, stdout=asyncio.subprocess.PIPE)
    out, _ = await wrk.communicate()
    return int(re.search(rb"(\d+) requests in", out).group(1))


async def fanout(server, count, duration, workers, generator, database, scratch):
    listeners, tasks = await open_all(count)
    await asyncio.sleep(1)
    start = time.monotonic()
    requests = await generate(generator, duration, workers, database, scratch)
    # Until nothing more arrives for a second: the last messages are still on their way.
    total = -1
    while total != sum(l.count for l in listeners):
        total = sum(l.count for l in listeners)
        await asyncio.sleep(1)
    end = max(l.last for l in listeners)
    dropped = sum(l.dropped or l.closed for l in listeners)
    await close_all(listeners, tasks)
    return requests, total, end - start, dropped


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listeners", type=int, default=1000)
    parser.add_argument("--idle", type=int, default=10000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1, help="workers flapped at once, one wrk thread each")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--generator", choices=["flap", "notify"], default="flap")
    args = parser.parse_args()
    if args.generator == "notify" and args.database != "postgres":
        parser.error("--generator notify needs --database postgres")
    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
    binary = os.environ.get("LAVA_SERVER_BIN", os.path.join(ROOT, ".build-release/release/lava-server"))
    data = tempfile.mkdtemp(prefix="lava-events-bench.")
    if args.database == "postgres":
        base = subprocess.run([os.path.join(ROOT, "scripts/postgres.sh"), "start"], check=True, capture_output=True, text=True).stdout.strip()
        subprocess.run(["psql", base, "-XAq", "-c", "DROP DATABASE IF EXISTS lava_bench WITH (FORCE)", "-c", "CREATE DATABASE lava_bench"],
                       check=True, capture_output=True)
        database = base.rsplit("/", 1)[0] + "/lava_bench"
    else:
        database = f"sqlite:{data}/lava.sqlite3"
    storage = ["--data-dir", data, "--database", database, "--config-dir", f"{data}/etc"]
    env = dict(os.environ, LAVA_VERSION=VERSION)
    workers = {}
    for i in range(1, args.workers + 1):
        name = f"bench-worker-{i}"
        added = subprocess.run([binary, "workers", "add", name] + storage, env=env, check=True, capture_output=True, text=True)
        workers[name] = re.search(r"^token:\s*(\S+)", added.stdout, re.M).group(1)
    server = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{PORT}", "--max-connections", str(args.idle + 2000),
                               "--log-level", "warning"] + storage, env=env)
    try:
        for _ in range(100):
            try:
                subprocess.run(["curl", "-fsS", f"http://127.0.0.1:{PORT}/health"], check=True, capture_output=True)
                break
            except subprocess.CalledProcessError:
                time.sleep(0.1)
        time.sleep(2)
        before, after = asyncio.run(memory(server, args.idle))
        print(f"RSS: {before / 1024:.1f} MiB idle, {after / 1024:.1f} MiB with {args.idle} idle WebSocket clients: "
              f"{(after - before) / args.idle:.2f} KiB per client")
        requests, total, seconds, dropped = asyncio.run(fanout(server, args.listeners, args.duration, workers, args.generator, database, data))
        print(f"fan-out ({args.database}, {args.generator}, {args.workers} generators): {requests} events made ({requests / args.duration:.0f}/s), {total} messages to {args.listeners} listeners "
              f"in {seconds:.1f} s: {total / seconds:,.0f} deliveries/s, {total / args.listeners / seconds:,.0f} events/s per listener; "
              f"{total / args.listeners / requests * 100:.1f} % of events reached a listener; {dropped} listeners dropped as too slow")
        print(f"RSS after: {rss_kib(server.pid) / 1024:.1f} MiB")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
