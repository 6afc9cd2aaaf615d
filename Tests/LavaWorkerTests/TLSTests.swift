import Foundation
import LavaClient
import LavaTestSupport
import LavaWorker
import Testing

/// https:// servers: a certificate from a CA the worker is given (`--ca-file`) is trusted; the
/// same server without it is refused. The peer is Python's ssl module, a TLS stack of its own.
@Suite struct TLSTests {
    /// A CA, a certificate for 127.0.0.1 signed by it, and an https server answering LAVA's
    /// version endpoint; `body` gets the CA file and the server's URL.
    static func withServer(_ body: (String, String) async throws -> Void) async throws {
        try await TLSTestServer.run(handler: """
            class Handler(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    body = b'{"version": "2026.11"}'
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                def log_message(self, *args):
                    pass
            """) { caFile, port in
            try await body(caFile, "https://127.0.0.1:\(port)/")
        }
    }

    @Test("the given CA file is trusted; without it the certificate is refused")
    func caFile() async throws {
        try await Self.withServer { caFile, url in
            let trusting = try LavaServerClient(url: url, agent: "lava-worker") { $0.caFile = caFile }
            #expect(try await trusting.serverVersion().version == "2026.11")

            let system = try LavaServerClient(url: url, agent: "lava-worker")
            await #expect { try await system.serverVersion() } throws: { error in
                guard let error = error as? WorkerAPIError else { return false }
                return error.transport && error.message.lowercased().contains("certificate")
            }
        }
    }
}
