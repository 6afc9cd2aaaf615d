@testable import Curl
import Testing

/// The opening handshake on its own: the request, the parse of the answer's head, its checks.
@Suite struct WebSocketHandshakeTests {
    static let handshake = WebSocketHandshake(key: Array("the sample nonce".utf8))

    static func answer(_ lines: [String]) -> [UInt8] {
        Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    static let good = [
        "HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade",
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
    ]

    @Test("the key and its accept are RFC 6455 section 1.3's example")
    func accept() {
        #expect(Self.handshake.key == "dGhlIHNhbXBsZSBub25jZQ==")
        #expect(WebSocketHandshake.accept(for: Self.handshake.key) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(WebSocketHandshake().key != WebSocketHandshake().key)
    }

    @Test("the request asks for the path and query, with the port in Host and the caller's headers")
    func request() throws {
        let target = try WebSocketHandshake.Target(url: "ws://lava.example.org:8000/ws/?a=1")
        #expect(target.connectURL == "http://lava.example.org:8000/ws/?a=1")
        let text = String(decoding: Self.handshake.request(target, userAgent: "lava-worker 1", headers: [("LAVA-Host", "w1"), ("Bad", "a\r\nInjected: 1")]), as: UTF8.self)
        #expect(text == """
            GET /ws/?a=1 HTTP/1.1\r
            Host: lava.example.org:8000\r
            User-Agent: lava-worker 1\r
            Upgrade: websocket\r
            Connection: Upgrade\r
            Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
            Sec-WebSocket-Version: 13\r
            LAVA-Host: w1\r
            \r

            """)
    }

    @Test("URLs: ws and wss map to http and https; no path is /; others are refused")
    func targets() throws {
        let secure = try WebSocketHandshake.Target(url: "wss://lava.example.org")
        #expect(secure.connectURL == "https://lava.example.org" && secure.resource == "/" && secure.host == "lava.example.org" && secure.secure)
        let plain = try WebSocketHandshake.Target(url: "http://[::1]:81/lava/ws/")
        #expect(plain.host == "[::1]:81" && plain.resource == "/lava/ws/" && !plain.secure)
        for bad in ["ftp://host/", "ws:///path", "not a url", ""] {
            #expect(throws: WebSocketError.self, "\(bad)") { try WebSocketHandshake.Target(url: bad) }
        }
    }

    @Test("the head is parsed once complete; what follows it is kept")
    func parse() throws {
        let bytes = Self.answer(Self.good) + [0x81, 0x01, 65]
        #expect(try WebSocketHandshake.parse(Array(bytes.prefix(20)), maxHead: 1024) == nil)
        let (response, rest) = try #require(try WebSocketHandshake.parse(bytes, maxHead: 1024))
        #expect(response.status == 101)
        #expect(response.header("sec-websocket-accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(Array(rest) == [0x81, 0x01, 65])
        try Self.handshake.check(response, url: "ws://x/")
    }

    @Test("a head beyond the bound is refused, complete or not")
    func headTooLarge() {
        let long = Self.answer(Self.good + ["X-Padding: " + String(repeating: "a", count: 2000)])
        #expect(throws: WebSocketError.self) { try WebSocketHandshake.parse(long, maxHead: 1024) }
        #expect(throws: WebSocketError.self) { try WebSocketHandshake.parse(Array(long.prefix(1500)), maxHead: 1024) }
    }

    @Test("malformed heads are protocol violations", arguments: [
        ["SSH-2.0-OpenSSH"], ["HTTP/1.1 abc Switching"], ["HTTP/1.1 1 x"], ["HTTP/1.1 101 OK", "no colon here"], ["HTTP/1.1 101 OK", ": empty name"],
    ])
    func malformed(_ lines: [String]) {
        do {
            _ = try WebSocketHandshake.parse(Self.answer(lines), maxHead: 1024)
            Issue.record("accepted")
        } catch {
            #expect(error.kind == .protocolViolation)
        }
    }

    @Test("an answer that does not upgrade as asked is refused", arguments: [
        ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA="],
        ["HTTP/1.1 101 Switching Protocols", "Upgrade: h2c", "Connection: Upgrade", "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="],
        ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: keep-alive", "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="],
        ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade"],
        good + ["Sec-WebSocket-Extensions: permessage-deflate"],
    ])
    func refused(_ lines: [String]) throws {
        let (response, _) = try #require(try WebSocketHandshake.parse(Self.answer(lines), maxHead: 1024))
        do {
            try Self.handshake.check(response, url: "ws://x/")
            Issue.record("accepted")
        } catch {
            #expect(error.kind == .protocolViolation)
        }
    }

    @Test("another status is a refusal with that status; 404 says there is no WebSocket there")
    func status() throws {
        let (response, _) = try #require(try WebSocketHandshake.parse(Self.answer(["HTTP/1.1 404 Not Found", "Content-Length: 0"]), maxHead: 1024))
        do {
            try Self.handshake.check(response, url: "ws://x/ws/")
            Issue.record("accepted")
        } catch {
            #expect(error.refusedStatus == 404)
            #expect(error.description.contains("older server"))
        }
    }
}
