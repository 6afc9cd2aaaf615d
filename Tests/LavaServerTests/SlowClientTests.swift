import Foundation
import HummingbirdTesting
@testable import LavaServer
import Testing

/// Slow or idle clients cannot hold the server's connections (slowloris): over real TCP to a real
/// server with short limits, each timeout closes its connection, the cap refuses connections over
/// it, and a worker's usual requests are untouched.
@Suite struct SlowClientTests {
    static let limits = HTTPLimits(headerTimeout: .seconds(1), bodyTimeout: .seconds(1), idleTimeout: .seconds(2), maxConnections: 3)

    /// Runs `body` with the port of a live server under `limits`.
    func withLiveServer(_ limits: HTTPLimits = Self.limits, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        try await withServer(.sqlite) { server in
            try await server.live(limits: limits) { client in
                try await body(try #require(client.port))
            }
        }
    }

    /// Sends `text` a byte at a time, 200 ms apart, until the server closes the connection; the
    /// time that took, nil when it never did.
    func trickle(_ text: String, on connection: RawConnection) async throws -> Duration? {
        let start = ContinuousClock.now
        for byte in text {
            guard connection.send(String(byte)), !connection.isClosed() else { return ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(200))
        }
        return nil
    }

    static let slowHead = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slowloris\r\nX-Padding: 0123456789012345678901234567890123456789\r\n\r\n"

    @Test("a half-sent request head is cut after the header timeout")
    func halfSentHead() async throws {
        try await withLiveServer { port in
            let connections = try (0..<3).map { _ in try RawConnection(port: port) }
            for connection in connections { connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n") }
            for connection in connections { #expect(await connection.closed(), "still open 10 s after a 1 s header timeout") }
        }
    }

    @Test("a head trickled a byte at a time is cut, though each byte comes within the idle timeout")
    func slowloris() async throws {
        try await withLiveServer { port in
            let connection = try RawConnection(port: port)
            let cut = try await trickle(Self.slowHead, on: connection)
            #expect(cut != nil, "the whole head went through, \(Self.slowHead.count) bytes 200 ms apart")
            #expect(cut.map { $0 < .seconds(5) } ?? false)
        }
    }

    @Test("a later request on a kept-alive connection has the header timeout from its first byte")
    func slowlorisAfterARequest() async throws {
        try await withLiveServer { port in
            let connection = try RawConnection(port: port)
            connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(try await connection.nextResponse().status == 200)
            #expect(try await trickle(Self.slowHead, on: connection) != nil)
        }
    }

    @Test("an idle kept-alive connection is closed after the idle timeout")
    func idleKeepAlive() async throws {
        try await withLiveServer { port in
            let connection = try RawConnection(port: port)
            connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(try await connection.nextResponse().status == 200)
            let start = ContinuousClock.now
            #expect(await connection.closed(), "still open 10 s after a 2 s idle timeout")
            #expect(ContinuousClock.now - start >= .seconds(1), "closed by the idle timeout, not before")
        }
    }

    @Test("a body trickled a byte at a time is cut after the body timeout")
    func slowBody() async throws {
        try await withLiveServer { port in
            let connection = try RawConnection(port: port)
            let body = String(repeating: "x", count: 60)
            connection.send("POST /api/v0.2/jobs/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n")
            let cut = try await trickle(body, on: connection)
            #expect(cut != nil, "the whole body went through, \(body.count) bytes 200 ms apart")
            #expect(cut.map { $0 < .seconds(5) } ?? false)
        }
    }

    @Test("above the connection cap new connections get 503 and are closed; the others go on, and a request succeeds once they end")
    func connectionCap() async throws {
        // An idle timeout long enough that the held connections stay open however loaded the machine.
        var limits = Self.limits
        limits.idleTimeout = .seconds(30)
        try await withLiveServer(limits) { port in
            // Each held connection has had an answer, so it is counted before the next one opens.
            // The test client may hold one place itself, so the refusal comes at the 3rd or 4th.
            var held: [RawConnection] = []
            var refusal: (status: Int, body: String)?
            for _ in 0..<4 {
                let connection = try RawConnection(port: port)
                connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                let response = try await connection.nextResponse()
                if response.status == 503 {
                    refusal = response
                    #expect(await connection.closed())
                    break
                }
                #expect(response.status == 200)
                held.append(connection)
            }
            let refused = try #require(refusal, "4 connections open at once under a cap of 3")
            #expect(refused.body.contains("the server's limit is 3"))
            #expect(held.count >= 2)

            // The held connections still finish their requests.
            for connection in held {
                connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                let response = try await connection.nextResponse()
                #expect(response.status == 200, "\(response.body)")
                #expect(await connection.closed())
            }
            // The server counts a connection out once the client has closed its end too, which
            // reaches it a moment later: a client waits as Retry-After says and asks again.
            held.removeAll()
            var after = try await ServerProcess.get(port: port, "/health")
            for _ in 0..<5 where after.status == 503 {
                try await Task.sleep(for: .seconds(1))
                after = try await ServerProcess.get(port: port, "/health")
            }
            #expect(after.status == 200, "\(after.body)")
        }
    }

    @Test("a worker pinging over one kept-alive connection is not cut")
    func workerPingCadence() async throws {
        try await withServer(.sqlite) { server in
            let lab = try await Lab.make(server)
            // Pings 1.5 s apart, far inside the idle timeout (as LAVA's 20 s are inside the default
            // 75 s, so a loaded machine cannot make this test flaky), and together well past the
            // header timeout: each request's head deadline runs from its own first byte.
            let limits = HTTPLimits(headerTimeout: .seconds(1), bodyTimeout: .seconds(1), idleTimeout: .seconds(10), maxConnections: 3)
            try await server.live(limits: limits) { client in
                let connection = try RawConnection(port: try #require(client.port))
                for _ in 0..<4 {
                    connection.send("GET /scheduler/internal/v1/workers/\(lab.worker)/?version=\(server.server.configuration.version) HTTP/1.1\r\n"
                        + "Host: 127.0.0.1\r\nUser-Agent: lava-worker 2026.11\r\nLAVA-Token: \(lab.workerToken)\r\n"
                        + "Accept: application/json\r\nConnection: keep-alive\r\n\r\n")
                    #expect(try await connection.nextResponse().status == 200)
                    try await Task.sleep(for: .milliseconds(1500))
                }
                #expect(!connection.isClosed())
            }
        }
    }
}
