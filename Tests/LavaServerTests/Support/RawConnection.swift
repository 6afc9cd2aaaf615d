import Foundation
import LavaTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// One TCP connection to a server on loopback, driven byte by byte as a slow client would. Every
/// read gives up after `readTimeout` seconds, so a server that never closes fails the test
/// instead of hanging it. Used by one task at a time.
final class RawConnection: @unchecked Sendable {
    private let fd: Int32
    private var received: [UInt8] = []

    /// `receiveBuffer`: a small kernel buffer, so that a client that stops reading makes the
    /// server wait sooner.
    init(port: Int, readTimeout: Int = 10, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CaptureError("socket failed") }
        var timeout = timeval(tv_sec: readTimeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        // No close here: every stored property is set, so deinit runs and closes it. A second
        // close could hit whatever another thread opened under the same number meanwhile (a
        // SQLite file: "disk I/O error").
        guard connected == 0 else { throw CaptureError("connect to 127.0.0.1:\(port) failed") }
    }

    deinit {
        close(fd)
    }

    /// Sends `text`; false once the server has closed the connection.
    @discardableResult
    func send(_ text: String) -> Bool {
        send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }

    /// Whether the server has closed the connection, without waiting: reads what has arrived.
    func isClosed() -> Bool {
        read(flags: Int32(MSG_DONTWAIT)) == .closed
    }

    /// `waitForClose` on a thread of its own: a blocked read must not hold one of the few threads
    /// Swift concurrency runs tests and the server's handlers on.
    func closed() async -> Bool {
        await onOwnThread { self.waitForClose() }
    }

    /// `response` on a thread of its own, as `closed`.
    func nextResponse() async throws -> (status: Int, body: String) {
        try await onOwnThread { try self.response() }
    }

    /// Waits until the server closes the connection (true) or `readTimeout` passes (false).
    func waitForClose() -> Bool {
        while true {
            switch read(flags: 0) {
            case .closed: return true
            case .data: continue
            case .nothing: return false
            }
        }
    }

    /// Reads until `complete` holds for all that arrived (true), or the server closes or goes
    /// silent for `readTimeout` first (false); `received` holds it either way.
    func receive(until complete: ([UInt8]) -> Bool) -> Bool {
        while !complete(received) {
            guard read(flags: 0) == .data else { return false }
        }
        return true
    }

    var bytesReceived: [UInt8] { received }

    /// Waits for one whole response; its status and body.
    func response() throws -> (status: Int, body: String) {
        while true {
            let text = String(decoding: received, as: UTF8.self)
            if let end = text.range(of: "\r\n\r\n") {
                let head = text[..<end.lowerBound]
                let length = head.components(separatedBy: "\r\n")
                    .first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                let body = Array(text[end.upperBound...].utf8)
                if body.count >= length {
                    received = Array(body[length...])
                    return (Int(head.split(separator: " ")[1]) ?? 0, String(decoding: body[..<length], as: UTF8.self))
                }
            }
            guard read(flags: 0) == .data else { throw CaptureError("connection closed before a full response: \(text)") }
        }
    }

    private enum Read { case data, closed, nothing }

    private func read(flags: Int32) -> Read {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, flags) }
        if n > 0 {
            received += buffer[0..<n]
            return .data
        }
        if n == 0 || errno == ECONNRESET { return .closed }
        return .nothing
    }
}
