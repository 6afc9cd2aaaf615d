import Foundation

/// A CA and a certificate for 127.0.0.1 signed by it, made with openssl, for https servers that
/// clients trust through the CA file alone.
public struct TestCertificate: Sendable {
    /// The CA's certificate, for clients (`--ca-file`).
    public let caFile: String
    public let certificateFile: String
    public let keyFile: String

    /// Writes the files into `directory`.
    public static func make(in directory: URL) throws -> TestCertificate {
        let dir = directory.path
        try shell(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test CA",
                   "-keyout", "\(dir)/ca.key", "-out", "\(dir)/ca.pem"])
        try shell(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                   "-keyout", "\(dir)/server.key", "-out", "\(dir)/server.csr"])
        try Data("subjectAltName=IP:127.0.0.1\n".utf8).write(to: directory.appendingPathComponent("san.ext"))
        try shell(["openssl", "x509", "-req", "-in", "\(dir)/server.csr", "-CA", "\(dir)/ca.pem", "-CAkey", "\(dir)/ca.key",
                   "-CAcreateserial", "-days", "1", "-extfile", "\(dir)/san.ext", "-out", "\(dir)/server.pem"])
        return TestCertificate(caFile: "\(dir)/ca.pem", certificateFile: "\(dir)/server.pem", keyFile: "\(dir)/server.key")
    }
}
