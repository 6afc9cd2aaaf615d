#!/usr/bin/env python3
"""lava-docker-worker against a real engine and our lava-server, LAVA's defaults (the worker pings
every 20 s, the supervisor asks the server's version every 60 s), issue 12. Per run:

1. a fresh SQLite server at 2026.11 and the supervisor started: the time to the worker's first
   accepted ping (the image of 2026.11 is on the engine);
2. 60 s idle: RSS (VmRSS, RssAnon, RssFile, VmHWM) and CPU (utime+stime) of the supervisor and of
   the worker container's processes (their host PIDs from the engine's /containers/ID/top);
3. the server restarted at 2026.12 at a chosen moment of the worker's 20 s ping cycle (spread over
   the cycle across the runs, so the median is that of a restart at a random moment): the time
   from its first answer at 2026.12 to the first accepted ping at 2026.12. Case "present": the
   image of 2026.12 is on the engine; case "pulled": it is removed first, so it comes from the
   registry ($LAVA_TEST_REGISTRY, default 127.0.0.1:5000). Case "ahead": as "pulled", but with
   --version-check-interval 5, so the supervisor's own check mostly sees 2026.12 before the
   worker's next ping, pulls it and tells the worker to make way (SIGTERM) without waiting for
   that ping (with the default 60 s the worker's 409 comes first in these runs). Case
   "announced" (issue 13): as "pulled", but 2026.12 is announced before the supervisor starts
   (`lava-server version-policy --next 2026.12 --next-digest <its registry digest>`), and the
   restart waits until the supervisor has pulled it ahead: on upgrade day the image is there
   (and its digest is checked). Case "announced-check": the same with --version-check-interval 5.

An accepted ping is read from the server: GET /api/v0.2/workers/<name>/ turns Online at the
version (a change of state or version is written at the ping itself), and its last_ping is the
server's time of that ping. The steps in between come from lava-docker-worker's log.

usage: bench/supervisor.py [--runs N] [--idle SECONDS] [--cases present,pulled,ahead,announced,announced-check] BIN LAVA_SERVER

N runs of each case (default 5), alternating; --idle: the idle window (default 60 s). BIN holds static lava-worker, lava-run and
lava-docker-worker (e.g. .build-static/release); LAVA_SERVER is any lava-server binary.
"""
import datetime, os, re, signal, statistics, subprocess, sys, tempfile, time, urllib.parse
from workerbench import (LavaServer, build_image, containers_of, delete_from_registry, engine, engine_json, image_present,
                         log_lines, push_image, remove_containers, remove_image, start_supervisor)

args = sys.argv[1:]
runs, idle, cases = 5, 60, ["present", "pulled", "ahead"]
while args and args[0].startswith("--"):
    option = args.pop(0)
    if option == "--runs": runs = int(args.pop(0))
    elif option == "--idle": idle = int(args.pop(0))
    elif option == "--cases": cases = args.pop(0).split(",")
    else: sys.exit(__doc__)
if len(args) != 2: sys.exit(__doc__)
BIN, SERVER = (os.path.abspath(a) for a in args)
PORT, OLD, NEW, PING = 8113, "2026.11", "2026.12", 20.0
REPOSITORY = f"{os.environ.get('LAVA_TEST_REGISTRY', '127.0.0.1:5000')}/lava-bench/supervisor"
TICK = os.sysconf("SC_CLK_TCK")


def wait_for(what, predicate, timeout):
    """predicate()'s first truthy value, asked every 20 ms."""
    deadline = time.time() + timeout
    while not (value := predicate()):
        if time.time() > deadline:
            sys.exit(f"no {what} after {timeout} s")
        time.sleep(0.02)
    return value


def accepted_ping(server, version):
    """The server's time of the worker's first accepted ping at `version`, once there is one."""
    def check():
        worker = server.worker()
        if worker and worker["state"] == "Online" and worker["version"] == version:
            return datetime.datetime.fromisoformat(worker["last_ping"]).timestamp()
    return check


def status_of(pid):
    fields = {}
    for line in open(f"/proc/{pid}/status"):
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024  # kB -> MiB
    return fields


def binary_rss(pid):
    """MiB of the process's RSS that are pages of its own executable (smaps, by path)."""
    executable = os.readlink(f"/proc/{pid}/exe")
    total, current = 0, None
    for line in open(f"/proc/{pid}/smaps"):
        fields = line.split()
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            current = fields[5] if len(fields) > 5 else None
        elif fields[0] == "Rss:" and current == executable:
            total += int(fields[1])
    return total / 1024


def cpu_of(pid):
    """utime + stime in seconds (fields 14 and 15 of /proc/PID/stat, after the command's parentheses)."""
    after = open(f"/proc/{pid}/stat").read().rpartition(")")[2].split()
    return (int(after[11]) + int(after[12])) / TICK


def container_pids(container):
    top = engine_json(f"/containers/{container}/top")
    column = top["Titles"].index("PID")
    return [int(process[column]) for process in top["Processes"]]


def idle_figures(supervisor_pid, container):
    pids = container_pids(container)
    before = {pid: cpu_of(pid) for pid in [supervisor_pid, *pids]}
    time.sleep(idle)  # the measured window itself, not a wait for an event
    if sorted(container_pids(container)) != sorted(pids):
        sys.exit("the worker container's processes changed during the idle window")
    figures = {f"supervisor {k}": v for k, v in status_of(supervisor_pid).items()}
    figures["supervisor RssFile: its binary"] = binary_rss(supervisor_pid)
    figures["supervisor CPU"] = cpu_of(supervisor_pid) - before[supervisor_pid]
    statuses = [status_of(pid) for pid in pids]
    for key in ("VmRSS", "RssAnon", "RssFile"):
        figures[f"container {key}"] = sum(s[key] for s in statuses)
    figures["container RssFile: the binaries"] = sum(binary_rss(pid) for pid in pids)
    figures["container CPU"] = sum(cpu_of(pid) - before[pid] for pid in pids)
    return figures


def registry_digest(reference):
    """The registry's digest of the pushed `reference`, as the engine recorded the push."""
    repository = reference.rsplit(":", 1)[0]
    return next(d.split("@", 1)[1] for d in engine_json(f"/images/{reference}/json")["RepoDigests"]
                if d.startswith(repository + "@"))


def run_once(work, case, phase):
    announced = case.startswith("announced")
    if case in ("pulled", "ahead") or announced:
        remove_image(f"{REPOSITORY}:{NEW}")
        if image_present(f"{REPOSITORY}:{NEW}"):
            sys.exit(f"{REPOSITORY}:{NEW} is still on the engine")
    elif not image_present(f"{REPOSITORY}:{NEW}"):
        name, tag = f"{REPOSITORY}:{NEW}".rsplit(":", 1)
        engine("POST", f"/images/create?fromImage={urllib.parse.quote(name, safe='')}&tag={tag}")
    server = LavaServer(SERVER, work, PORT)
    log = f"{server.data}/lava-docker-worker.log"
    server.serve(OLD)
    if announced:
        subprocess.run([SERVER, "version-policy", "--next", NEW, "--next-digest", NEW_DIGEST, *server.storage],
                       env=dict(os.environ, LAVA_VERSION=OLD), check=True, stdout=subprocess.DEVNULL)
    started = time.time()
    options = ["--version-check-interval", "5"] if case in ("ahead", "announced-check") else []
    supervisor = start_supervisor(BIN, server, f"{REPOSITORY}:{{version}}", server.data, *options)
    try:
        first = wait_for(f"accepted ping at {OLD}", accepted_ping(server, OLD), 60)
        container = next(c["Id"] for c in containers_of(REPOSITORY) if c["State"] == "running")
        figures = {"start -> first accepted ping": first - started, **idle_figures(supervisor.pid, container)}
        if announced:
            pulled_ahead = rf"pulled {re.escape(REPOSITORY)}:{NEW}"
            wait_for("pull ahead", lambda: any(re.search(pulled_ahead, m) for _, m in log_lines(log)), 300)
            if not image_present(f"{REPOSITORY}:{NEW}"):
                sys.exit(f"{REPOSITORY}:{NEW} was not pulled ahead")
        # The restart goes `phase` seconds after a ping; last_ping may lag a ping by the ledger's 1 s.
        last = datetime.datetime.fromisoformat(server.worker()["last_ping"]).timestamp()
        moment = last + phase
        while moment < time.time() + 0.5:
            moment += PING
        time.sleep(moment - time.time())  # a chosen moment of the ping cycle, not an event
        up = server.restart(NEW)
        accepted = wait_for(f"accepted ping at {NEW}", accepted_ping(server, NEW), 300)
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(120)
    except BaseException:
        # The work directory goes at the end: keep the log of a failed run.
        kept = f"/tmp/lava-bench-supervisor-failed-{os.getpid()}.log"
        subprocess.run(["cp", log, kept])
        print(f"run failed; lava-docker-worker's log: {kept}", file=sys.stderr)
        raise
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
        server.stop()
        remove_containers(REPOSITORY)

    lines = [(t, message) for t, message in log_lines(log) if t >= up - 1]

    def at(pattern):
        return next((t for t, message in lines if re.search(pattern, message)), None)

    # The worker is told by the 409 of its next ping or, when the supervisor's version check
    # sees the new version first, by the supervisor's SIGTERM: whichever comes first.
    mismatch = at(r"version mismatch:")
    terminated = at(r"SIGTERM to the worker container")
    told = min(t for t in (mismatch, terminated) if t is not None)
    pull_started, pulled = at(rf"pulling {re.escape(REPOSITORY)}:{NEW}"), at(rf"pulled {re.escape(REPOSITORY)}:{NEW}")
    exited = at(r"the worker (of \S+ )?exited \((75|0)\)")
    new_started = at(rf"started lava-worker-{NEW}")
    figures.update({
        "switch-over": accepted - up,
        "new server up -> worker told": told - up,
        "told -> first accepted ping": accepted - told,
        "told -> supervisor sees the exit": exited - told,
        "exit seen -> new container started": new_started - exited,
        "new container started -> accepted ping": accepted - new_started,
        "pull (pulling -> pulled)": (pulled - pull_started) if pulled else None,
        "first to see 2026.12": "version check" if terminated is not None and told == terminated else "worker's ping",
        "failed pings": sum(1 for _, message in lines if "ping failed" in message),
        "restart phase": phase,
    })
    return figures


build_image(BIN, f"{REPOSITORY}:{OLD}", OLD, own_layer=True)
build_image(BIN, f"{REPOSITORY}:{NEW}", NEW, own_layer=True)
push_image(f"{REPOSITORY}:{NEW}")
NEW_DIGEST = registry_digest(f"{REPOSITORY}:{NEW}")
work = tempfile.mkdtemp(prefix="lava-bench-supervisor-")
results = {case: [] for case in cases}
try:
    for i in range(runs):
        # Restarts spread over the 20 s ping cycle: (i + 0.5) / runs of it after a ping.
        phase = (i + 0.5) / runs * PING
        for case in results:
            figures = run_once(work, case, phase)
            results[case].append(figures)
            print(f"run {i + 1} {case}: " + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
                                                    for k, v in figures.items()), flush=True)
finally:
    subprocess.run(["rm", "-rf", work])
    remove_containers(REPOSITORY)
    for version in [OLD, NEW]:
        remove_image(f"{REPOSITORY}:{version}", force=True)
    delete_from_registry(f"{REPOSITORY}:{NEW}")

print(f"\nmedians ({runs} runs of each case; MiB, s):")
for key in results[cases[0]][0]:
    cells = []
    for case, figures in results.items():
        values = [f[key] for f in figures if f[key] is not None]
        if not values:
            cells.append(f"{case}: -")
        elif isinstance(values[0], str):
            cells.append(f"{case}: " + ", ".join(f"{values.count(v)}x {v}" for v in sorted(set(values))))
        else:
            cells.append(f"{case}: {statistics.median(values):7.2f} (runs: {' '.join(f'{v:.2f}' for v in values)})")
    print(f"{key:40s} " + "   ".join(cells))
