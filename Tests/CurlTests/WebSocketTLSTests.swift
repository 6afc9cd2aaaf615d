import Curl
import LavaTestSupport
import Testing

/// wss:// through libcurl's TLS, against Python's ssl module: the CA file of the configuration is
/// trusted, the system's store alone refuses the certificate; frames arrive through TLS.
@Suite(.timeLimit(.minutes(1))) struct WebSocketTLSTests {
    /// Upgrades, sends one text frame and a close, and waits for the client's close frame.
    static let handler = """
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def do_GET(self):
                key = self.headers["Sec-WebSocket-Key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
                self.send_response(101)
                self.send_header("Upgrade", "websocket")
                self.send_header("Connection", "Upgrade")
                self.send_header("Sec-WebSocket-Accept", base64.b64encode(hashlib.sha1(key.encode()).digest()).decode())
                self.end_headers()
                text = b"hello over tls"
                self.wfile.write(bytes([0x81, len(text)]) + text + bytes([0x88, 2, 3, 0xE8]))
                self.wfile.flush()
                self.rfile.read(8)
                self.close_connection = True
            def log_message(self, *args):
                pass
        """

    @Test("wss:// with the configuration's CA file: a message, then the server's close; without it, refused")
    func secure() async throws {
        try await TLSTestServer.run(handler: Self.handler) { caFile, port in
            let url = "wss://127.0.0.1:\(port)/ws/"
            await #expect { _ = try await WebSocketConnection.connect(url: url, configuration: CurlConfiguration(userAgent: "test")) } throws: {
                guard let error = $0 as? WebSocketError, case .connection = error.kind else { return false }
                return error.description.lowercased().contains("certificate")
            }
            var configuration = CurlConfiguration(userAgent: "test")
            configuration.caFile = caFile
            let connection = try await WebSocketConnection.connect(url: url, configuration: configuration)
            #expect(try await connection.receive() == .text("hello over tls"))
            #expect(try await connection.receive() == nil)
            #expect(connection.closing?.code == 1000)
        }
    }
}
