#!/usr/bin/env python3
"""A billion-laughs job definition and 50 half-sent requests against a fresh `lava-server serve`:
the answer, its time and the server's memory; then how many of the requests are still open.

usage: bench/limits.py LAVA_SERVER_BINARY [SECONDS_TO_HOLD (12)] [--no-bomb]
"""
import json, socket, subprocess, sys, tempfile, time, urllib.error, urllib.request

binary = sys.argv[1]
hold = float(sys.argv[2]) if len(sys.argv) > 2 and not sys.argv[2].startswith("--") else 12
bomb = "--no-bomb" not in sys.argv
data, port = tempfile.mkdtemp(), 8731

def admin(*args):
    return subprocess.run([binary, *args, "--data-dir", data], capture_output=True, text=True, check=True).stdout

def memory(field):
    for line in open(f"/proc/{server.pid}/status"):
        if line.startswith(field):
            return int(line.split()[1]) // 1024

def still_open(connection):
    connection.setblocking(False)
    try:
        return connection.recv(1) != b""
    except BlockingIOError:
        return True
    except ConnectionError:
        return False

token = admin("users", "add", "alice").split()[-1]
admin("device-types", "add", "docker")
server = subprocess.Popen([binary, "serve", "--data-dir", data, "--bind", f"127.0.0.1:{port}", "--log-level", "error"])
try:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health")
            break
        except OSError:
            time.sleep(0.1)
    if bomb:
        laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
            f"{level}: &{level} [" + ", ".join([f"*{below}"] * 9) + "]\n" for below, level in zip("abcdefgh", "bcdefghi"))
        job = ("device_type: docker\njob_name: laughs\nvisibility: public\ntimeouts: {job: {minutes: 10}}\n" + laughs
               + "actions:\n- deploy: {to: docker, image: debian, laughs: *i}\n")
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v0.2/jobs/", data=json.dumps({"definition": job}).encode(),
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"})
        print(f"job definition: {len(job.encode())} bytes; server RSS before: {memory('VmRSS:')} MB")
        start = time.monotonic()
        try:
            status = urllib.request.urlopen(request, timeout=600).status
        except urllib.error.HTTPError as error:
            status = error.code
        print(f"answer {status} after {time.monotonic() - start:.2f} s; RSS after {memory('VmRSS:')} MB, peak {memory('VmHWM:')} MB")
    held = []
    for _ in range(50):
        connection = socket.create_connection(("127.0.0.1", port))
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        held.append(connection)
    time.sleep(hold)
    print(f"half-sent requests still open after {hold:.0f} s: {sum(map(still_open, held))} of 50")
finally:
    server.terminate()
    server.wait()
