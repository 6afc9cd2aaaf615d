import Foundation
import LavaTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// One exchange recorded between LAVA 2023.01's worker and server (../shared/spec/captures-2023.01).
struct Capture {
    let request: [UInt8]
    let status: Int
    let responseBody: String

    /// ../shared beside the checkout, as in CI.
    static let directory = PackageFiles.root.deletingLastPathComponent().appendingPathComponent("shared/spec/captures-2023.01")

    init(_ name: String) throws {
        let text = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        guard let blank = lines.firstIndex(of: ""),
              let decoded = lines.firstIndex(of: "--- decoded form fields ---"),
              let responseLine = lines.firstIndex(where: { $0.hasPrefix("--- response: HTTP ") })
        else { throw CaptureError("\(name) is not in the capture format") }
        let head = lines[..<blank].joined(separator: "\r\n") + "\r\n\r\n"
        // The body runs from after the blank line to the blank line before the decoded fields.
        let body = lines[(blank + 1)..<(decoded - 1)].joined(separator: "\n")
        request = Array(head.utf8) + Array(body.utf8)
        status = Int(lines[responseLine].dropFirst("--- response: HTTP ".count).prefix(3)) ?? 0
        let afterHeaders = lines[responseLine...].firstIndex(of: "") ?? lines.endIndex
        responseBody = lines[(afterHeaders + 1)...].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The request's `Content-Length` agrees with the body we rebuilt: the replay is byte for byte.
    var declaredLengthMatches: Bool {
        let text = String(decoding: request, as: UTF8.self)
        guard let range = text.range(of: "\r\n\r\n") else { return false }
        let body = text[range.upperBound...]
        guard let header = text[..<range.lowerBound].components(separatedBy: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }) else {
            return body.isEmpty
        }
        return Int(header.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) == body.utf8.count
    }
}

struct CaptureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Sends raw request bytes over TCP and reads one HTTP/1.1 response: the captures replayed
/// exactly as LAVA's worker sent them.
enum RawHTTP {
    static func exchange(port: Int, _ request: [UInt8]) throws -> (status: Int, body: String) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CaptureError("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw CaptureError("connect to 127.0.0.1:\(port) failed") }
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw CaptureError("send failed") }
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { break }
            received += buffer[0..<n]
            let text = String(decoding: received, as: UTF8.self)
            guard let end = text.range(of: "\r\n\r\n") else { continue }
            let head = text[..<end.lowerBound]
            let length = head.components(separatedBy: "\r\n")
                .first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            let body = text[end.upperBound...]
            if body.utf8.count >= length {
                let status = Int(head.split(separator: " ")[1]) ?? 0
                return (status, String(body))
            }
        }
        throw CaptureError("connection closed before a full response")
    }
}
