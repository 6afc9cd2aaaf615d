import Foundation
import LavaTestSupport
import LavaWorker
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// https:// servers: a certificate from a CA the worker is given (`--ca-file`) is trusted; the
/// same server without it is refused. The peer is Python's ssl module, a TLS stack of its own.
@Suite struct TLSTests {
    /// A CA, a certificate for 127.0.0.1 signed by it, and an https server answering LAVA's
    /// version endpoint; `body` gets the CA file and the server's URL.
    static func withServer(_ body: (String, String) async throws -> Void) async throws {
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let dir = files.url.path
        try shell(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test CA",
                   "-keyout", "\(dir)/ca.key", "-out", "\(dir)/ca.pem"])
        try shell(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                   "-keyout", "\(dir)/server.key", "-out", "\(dir)/server.csr"])
        try files.write("subjectAltName=IP:127.0.0.1\n", to: "san.ext")
        try shell(["openssl", "x509", "-req", "-in", "\(dir)/server.csr", "-CA", "\(dir)/ca.pem", "-CAkey", "\(dir)/ca.key",
                   "-CAcreateserial", "-days", "1", "-extfile", "\(dir)/san.ext", "-out", "\(dir)/server.pem"])
        let port = try FreePort.next()
        try files.write("""
            import http.server, ssl
            class Version(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    body = b'{"version": "2026.11"}'
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                def log_message(self, *args):
                    pass
            server = http.server.HTTPServer(("127.0.0.1", \(port)), Version)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain("\(dir)/server.pem", "\(dir)/server.key")
            server.socket = context.wrap_socket(server.socket, server_side=True)
            print("ready", flush=True)
            server.serve_forever()
            """, to: "server.py")
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "\(dir)/server.py"]
        let ready = Pipe()
        server.standardOutput = ready
        try server.run()
        defer {
            // SIGKILL: the test runner may have left SIGTERM ignored, which children inherit.
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        _ = ready.fileHandleForReading.availableData
        try await body("\(dir)/ca.pem", "https://127.0.0.1:\(port)/")
    }

    @Test("the given CA file is trusted; without it the certificate is refused")
    func caFile() async throws {
        try await Self.withServer { caFile, url in
            let trusting = try LavaServerClient(url: url, agent: "lava-worker") { $0.caFile = caFile }
            #expect(try await trusting.serverVersion() == "2026.11")

            let system = try LavaServerClient(url: url, agent: "lava-worker")
            await #expect { try await system.serverVersion() } throws: { error in
                guard let error = error as? WorkerAPIError else { return false }
                return error.transport && error.message.lowercased().contains("certificate")
            }
        }
    }
}
