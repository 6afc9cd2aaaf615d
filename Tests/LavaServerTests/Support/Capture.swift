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
/// exactly as LAVA's worker sent them. On a thread of its own (`onOwnThread`): the server may
/// be in this process.
enum RawHTTP {
    static func exchange(port: Int, _ request: [UInt8]) async throws -> (status: Int, body: String) {
        let connection = try RawConnection(port: port)
        guard connection.send(request) else { throw CaptureError("send failed") }
        return try await connection.nextResponse()
    }
}
