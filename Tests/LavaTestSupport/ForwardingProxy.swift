import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP forwarding proxy on loopback, as a corporate proxy would sit between a worker and
/// its server: it takes absolute-form requests (`GET http://host:port/path HTTP/1.1`), records
/// their request lines, and forwards each on a new upstream connection (`Connection: close`).
/// Threads and blocking sockets keep it independent of the code under test.
public final class ForwardingProxy: Sendable {
    public let port: Int
    private let listener: Int32
    private let lines = Mutex<[String]>([])

    public init() throws {
        let (fd, port) = try LoopbackListener.open(for: "the proxy")
        listener = fd
        self.port = port
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                Thread.detachNewThread { self.serve(client) }
            }
        }
    }

    /// The request lines received so far, as the client sent them.
    public var requestLines: [String] { lines.withLock { $0 } }

    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var buffer: [UInt8] = []
        while let head = Self.readHead(client, &buffer) {
            var headLines = head.components(separatedBy: "\r\n")
            let parts = headLines[0].split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3, let url = URLComponents(string: parts[1]), let host = url.host, let port = url.port else { return }
            lines.withLock { $0.append(headLines[0]) }
            let query = url.percentEncodedQuery.map { "?" + $0 } ?? ""
            headLines[0] = "\(parts[0]) \(url.percentEncodedPath)\(query) \(parts[2])"
            headLines.removeAll { $0.lowercased().hasPrefix("connection:") || $0.lowercased().hasPrefix("proxy-connection:") }
            headLines.append("Connection: close")
            let length = headLines.compactMap { line -> Int? in
                let pair = line.split(separator: ":", maxSplits: 1)
                return pair.count == 2 && pair[0].lowercased() == "content-length" ? Int(pair[1].trimmingCharacters(in: .whitespaces)) : nil
            }.first ?? 0
            while buffer.count < length {
                guard let more = Self.receive(client) else { return }
                buffer += more
            }
            let body = Array(buffer.prefix(length))
            buffer.removeFirst(length)
            guard let upstream = Self.connect(host: host, port: port) else { return }
            Self.send(upstream, Array((headLines.joined(separator: "\r\n") + "\r\n\r\n").utf8) + body)
            while let answer = Self.receive(upstream) { Self.send(client, answer) }
            close(upstream)
        }
    }

    /// The next request head (up to the blank line); the bytes after it stay in `buffer`.
    private static func readHead(_ fd: Int32, _ buffer: inout [UInt8]) -> String? {
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            if let range = buffer.firstRange(of: end) {
                let head = String(decoding: buffer[..<range.lowerBound], as: UTF8.self)
                buffer.removeSubrange(..<range.upperBound)
                return head
            }
            guard let more = receive(fd) else { return nil }
            buffer += more
        }
    }

    private static func receive(_ fd: Int32) -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &chunk, chunk.count, 0)
        return count > 0 ? Array(chunk.prefix(count)) : nil
    }

    private static func send(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return }
            offset += sent
        }
    }

    private static func connect(host: String, port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host == "localhost" ? "127.0.0.1" : host)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        if connected { return fd }
        close(fd)
        return nil
    }
}
