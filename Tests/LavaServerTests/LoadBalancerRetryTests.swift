import Foundation
import LavaTestSupport
import Testing

/// server/haproxy/haproxy.cfg sends a request that an instance dropped without an answer to the
/// other instance only when a second copy changes nothing (its comment says why each is safe).
/// The two instances here are stand-ins that pass health checks and drop every other request
/// after reading it, as an instance killed while handling it.
@Suite struct LoadBalancerRetryTests {
    static let dropper = """
        import socket, sys, threading
        log = open(sys.argv[1], "a", buffering=1)
        def handle(connection, port):
            with connection:
                data = b""
                while b"\\r\\n\\r\\n" not in data:
                    chunk = connection.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, body = data.split(b"\\r\\n\\r\\n", 1)
                line = head.split(b"\\r\\n", 1)[0].decode()
                if line.startswith("GET /health "):
                    connection.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n")
                    return
                length = next((int(h.split(b":")[1]) for h in head.split(b"\\r\\n") if h.lower().startswith(b"content-length:")), 0)
                while len(body) < length:
                    body += connection.recv(65536)
                log.write(f"{port} {line}\\n")
        def serve(port):
            listener = socket.socket()
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", port))
            listener.listen(64)
            while True:
                connection, _ = listener.accept()
                threading.Thread(target=handle, args=(connection, port), daemon=True).start()
        for port in sys.argv[2:]:
            threading.Thread(target=serve, args=(int(port),), daemon=True).start()
        threading.Event().wait()
        """

    /// haproxy with the committed configuration on `port`, in front of the two `instances`,
    /// once it answers `/health`.
    static func haproxy(on port: Int, instances: [Int], logs: URL) async throws -> ChildProcess {
        let haproxy = try ChildProcess(URL(fileURLWithPath: "/usr/sbin/haproxy"), ["-f", DeploymentFilesTests.haproxyConfig.path], environment: [
            "LAVA_LB_BIND": "127.0.0.1:\(port)",
            "LAVA_SERVER_1": "127.0.0.1:\(instances[0])",
            "LAVA_SERVER_2": "127.0.0.1:\(instances[1])",
            "LAVA_LB_STATS_BIND": "127.0.0.1:\(try FreePort.next())",
        ], logFile: logs.appendingPathComponent("haproxy.log"))
        do {
            try await waitForHealth(ports: [port], log: haproxy)
        } catch {
            haproxy.kill()
            throw error
        }
        return haproxy
    }

    /// Waits, for at most 10 s, until each port answers `/health`.
    static func waitForHealth(ports: [Int], log: ChildProcess) async throws {
        for port in ports {
            do {
                try await ServerProcess.waitForHealth(port: port)
            } catch {
                throw TestFailure("\(error); the log:\n\(log.log)")
            }
        }
    }

    @Test("reads, job state reports and log batches are sent again to the other instance; submissions and registrations once")
    func retryPolicy() async throws {
        let files = try TemporaryDirectory()
        defer { files.remove() }
        try files.write(Self.dropper, to: "dropper.py")
        let seen = files.url.appendingPathComponent("seen.log")
        let instances = [try FreePort.next(), try FreePort.next()]
        let balancer = try FreePort.next()
        let dropper = try ChildProcess(URL(fileURLWithPath: "/usr/bin/env"),
                                       ["python3", files.url.appendingPathComponent("dropper.py").path, seen.path] + instances.map(String.init),
                                       logFile: files.url.appendingPathComponent("dropper.out"))
        defer { dropper.kill() }
        // Both stand-ins listen before haproxy's first checks, so haproxy starts with both up.
        try await Self.waitForHealth(ports: instances, log: dropper)
        let haproxy = try await Self.haproxy(on: balancer, instances: instances, logs: files.url)
        defer { haproxy.kill() }

        let requests: [(method: String, path: String, copies: Int)] = [
            ("GET", "/api/v0.2/system/version/", 4),
            ("GET", "/scheduler/internal/v1/workers/lab-1/?version=2026.11", 4),
            ("POST", "/scheduler/internal/v1/jobs/7/", 4),
            ("POST", "/scheduler/internal/v1/jobs/7/logs/", 4),
            ("POST", "/api/v0.2/jobs/", 1),
            ("POST", "/scheduler/internal/v1/workers/", 1),
        ]
        for request in requests {
            let answer = request.method == "GET"
                ? try await ServerProcess.get(port: balancer, request.path)
                : try await ServerProcess.post(port: balancer, request.path, json: "{}")
            #expect(answer.status == 502, "\(request.method) \(request.path)")
        }
        let lines = try String(contentsOf: seen, encoding: .utf8).split(separator: "\n")
        for request in requests {
            let copies = lines.filter { $0.hasSuffix(" \(request.method) \(request.path) HTTP/1.1") }
            #expect(copies.count == request.copies, "\(request.method) \(request.path): \(copies)")
            if request.copies > 1 {
                #expect(Set(copies.map { $0.prefix { $0 != " " } }).count == 2, "sent again to the other instance: \(copies)")
            }
        }
    }
}
