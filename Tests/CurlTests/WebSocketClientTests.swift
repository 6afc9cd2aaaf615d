import Curl
import Foundation
import LavaTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The NIO-free WebSocket client against real servers on loopback: Hummingbird's WebSocket server
/// for what a correct server does, a scripted one for what a broken one does. Deadlines (the
/// suite's time limit, `within`) only keep a broken client from hanging the run.
@Suite(.timeLimit(.minutes(1))) struct WebSocketClientTests {
    static let configuration = CurlConfiguration(userAgent: "lava-test")

    static func connect(_ url: String, headers: [(name: String, value: String)] = [],
                        options: WebSocketConnection.Options = .init()) async throws -> WebSocketConnection {
        try await WebSocketConnection.connect(url: url, headers: headers, configuration: configuration, options: options)
    }

    /// Every message until the server closes.
    static func all(_ connection: WebSocketConnection) async throws -> [WebSocketMessage] {
        var messages: [WebSocketMessage] = []
        while let message = try await connection.receive() { messages.append(message) }
        return messages
    }

    @Test("handshake with the caller's headers, a message, the server's close with its code and reason")
    func hello() async throws {
        let server = try await WebSocketTestServer.start()
        defer { server.stop() }
        let connection = try await Self.connect(server.url + "/hello", headers: [("LAVA-Host", "w1")])
        #expect(try await Self.all(connection) == [.text("hello w1")])
        #expect(connection.closing == WebSocketConnection.Closing(code: 1000, reason: "bye"))
        // Over is over: a later receive answers the same.
        #expect(try await connection.receive() == nil)
    }

    @Test("http:// URLs are accepted like ws://")
    func httpScheme() async throws {
        let server = try await WebSocketTestServer.start()
        defer { server.stop() }
        let connection = try await Self.connect("http://127.0.0.1:\(server.port)/hello")
        #expect(try await Self.all(connection) == [.text("hello anonymous")])
    }

    @Test("a fragmented message with a ping between its fragments, then a binary message")
    func fragments() async throws {
        let server = try await WebSocketTestServer.start()
        defer { server.stop() }
        let connection = try await Self.connect(server.url + "/fragments")
        #expect(try await Self.all(connection) == [.text("fragmented"), .binary([1, 2, 3])])
    }

    @Test("a 640 KB message in 16 KiB frames arrives whole")
    func large() async throws {
        let server = try await WebSocketTestServer.start()
        defer { server.stop() }
        let connection = try await Self.connect(server.url + "/large")
        #expect(try await Self.all(connection) == [.text(WebSocketTestServer.large)])
    }

    @Test("a message beyond the limit ends the connection with .tooLarge")
    func oversized() async throws {
        let server = try await WebSocketTestServer.start()
        defer { server.stop() }
        let connection = try await Self.connect(server.url + "/huge")
        await #expect { _ = try await Self.all(connection) } throws: { ($0 as? WebSocketError)?.kind == .tooLarge }
        // The client's close (1009) reaches the server.
        #expect(try await within(10, "the server to see the client go") { await server.nextEnded() } == "/huge")
    }

    @Test("the server's pings are answered: a server that drops silent clients keeps this one")
    func answersPings() async throws {
        let server = try await WebSocketTestServer.start(autoPing: .milliseconds(100))
        defer { server.stop() }
        let connection = try await Self.connect(server.url + "/pinged")
        #expect(try await Self.all(connection) == [.text("still here")])
    }

    @Test("an HTTP server without a WebSocket there: refused with its status, 404")
    func notFound() async throws {
        _ = try await FileServer.run(files: [:]) { baseURL in
            await #expect { _ = try await Self.connect(baseURL + "/ws/") } throws: { ($0 as? WebSocketError)?.refusedStatus == 404 }
        }
    }

    @Test("cancelling a receive that waits for a silent server ends it, and the server sees the client go")
    func cancelReceive() async throws {
        let server = try await WebSocketTestServer.start()
        defer { server.stop() }
        let connection = try await Self.connect(server.url + "/silent")
        let receive = Task { try await connection.receive() }
        receive.cancel()
        _ = try await within(10, "the cancelled receive to end") {
            await #expect(throws: WebSocketError.cancelled) { try await receive.value }
        }
        let path = try await within(10, "the server to see the client go") { await server.nextEnded() }
        #expect(path == "/silent")
    }

    @Test("a receive cancelled while it waits is over at once, not at the next heartbeat")
    func cancelWaitingReceive() async throws {
        let server = try ScriptedWebSocketServer(then: WebSocketFrame(opcode: .ping, payload: [7]).encoded(mask: nil))
        defer { server.stop() }
        var options = WebSocketConnection.Options()
        options.heartbeat = .seconds(600)
        let connection = try await Self.connect(server.url, options: options)
        let receive = Task { try await connection.receive() }
        // The pong shows the receive runs; with nothing more to read, it waits in poll().
        #expect(try await within(10, "the pong") { await server.nextFrame() } == WebSocketFrame(opcode: .pong, payload: [7]))
        receive.cancel()
        _ = try await within(10, "the cancelled receive to end") {
            await #expect(throws: WebSocketError.cancelled) { try await receive.value }
        }
        // The client says it is going (1001) before it closes the socket.
        let close = try await within(10, "the client's close frame") { await server.nextFrame() }
        #expect(close == WebSocketFrame(opcode: .close, payload: [0x03, 0xE9]))
        #expect(try await within(10, "the client to go") { await server.nextFrame() == nil })
    }

    @Test("close() ends a waiting receive with nil and sends a normal close")
    func closeByClient() async throws {
        let server = try ScriptedWebSocketServer()
        defer { server.stop() }
        let connection = try await Self.connect(server.url)
        let receive = Task { try await connection.receive() }
        connection.close()
        #expect(try await within(10, "the receive to end") { try await receive.value } == nil)
        #expect(try await within(10, "the client's close frame") { await server.nextFrame() } == WebSocketFrame(opcode: .close, payload: [0x03, 0xE8]))
    }

    @Test("a wrong Sec-WebSocket-Accept is refused")
    func wrongAccept() async throws {
        let server = try ScriptedWebSocketServer(.wrongAccept)
        defer { server.stop() }
        await #expect { _ = try await Self.connect(server.url) } throws: { ($0 as? WebSocketError)?.kind == .protocolViolation }
    }

    @Test("frames in the same packet as the 101 are not lost; a ping is answered with its payload")
    func framesAfterHead() async throws {
        let script = WebSocketFrame(opcode: .ping, payload: Array("abc".utf8)).encoded(mask: nil)
            + WebSocketFrame(opcode: .text, payload: Array("first".utf8)).encoded(mask: nil)
        let server = try ScriptedWebSocketServer(then: script)
        defer { server.stop() }
        let connection = try await Self.connect(server.url)
        #expect(try await connection.receive() == .text("first"))
        #expect(try await within(10, "the pong") { await server.nextFrame() } == WebSocketFrame(opcode: .pong, payload: Array("abc".utf8)))
        connection.close()
    }

    @Test("reserved bits end the connection as a protocol violation, with close 1002")
    func reservedBits() async throws {
        let server = try ScriptedWebSocketServer(then: [0xC1, 0x01, 65])
        defer { server.stop() }
        let connection = try await Self.connect(server.url)
        await #expect { _ = try await connection.receive() } throws: { ($0 as? WebSocketError)?.kind == .protocolViolation }
        #expect(try await within(10, "the close") { await server.nextFrame() } == WebSocketFrame(opcode: .close, payload: [0x03, 0xEA]))
    }

    @Test("the heartbeat: a ping every heartbeat, and a server that answers nothing is dead after two")
    func heartbeat() async throws {
        let server = try ScriptedWebSocketServer()
        defer { server.stop() }
        var options = WebSocketConnection.Options()
        options.heartbeat = .milliseconds(200)
        let connection = try await Self.connect(server.url, options: options)
        await #expect { _ = try await connection.receive() } throws: { ($0 as? WebSocketError)?.kind == .timedOut }
        let ping = try await within(10, "the client's ping") { await server.nextFrame() }
        #expect(ping?.opcode == .ping)
    }

    @Test("nothing listening: a connection error")
    func refusedConnection() async throws {
        let (fd, port) = try LoopbackListener.open(for: "a closed port")
        close(fd)
        await #expect { _ = try await Self.connect("ws://127.0.0.1:\(port)/ws/") } throws: {
            guard case .connection = ($0 as? WebSocketError)?.kind else { return false }
            return true
        }
    }
}
