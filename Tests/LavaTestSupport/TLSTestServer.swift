import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An https server on loopback run by Python's ssl module (a TLS stack of its own), with a new
/// CA and a certificate for 127.0.0.1 signed by it.
public enum TLSTestServer {
    /// `handler` is the Python source of a `http.server.BaseHTTPRequestHandler` subclass named
    /// `Handler` (the modules base64, hashlib, http.server and ssl are imported); `body` gets the
    /// CA file and the server's port.
    public static func run(handler: String, _ body: (_ caFile: String, _ port: Int) async throws -> Void) async throws {
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let certificate = try TestCertificate.make(in: files.url)
        let port = try FreePort.next()
        try files.write("""
            import base64, hashlib, http.server, ssl
            \(handler)
            server = http.server.ThreadingHTTPServer(("127.0.0.1", \(port)), Handler)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain("\(certificate.certificateFile)", "\(certificate.keyFile)")
            server.socket = context.wrap_socket(server.socket, server_side=True)
            print("ready", flush=True)
            server.serve_forever()
            """, to: "server.py")
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", files.url.appendingPathComponent("server.py").path]
        let ready = Pipe()
        server.standardOutput = ready
        try server.run()
        defer {
            // SIGKILL: the test runner may have left SIGTERM ignored, which children inherit.
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        _ = ready.fileHandleForReading.availableData
        try await body(certificate.caFile, port)
    }
}
