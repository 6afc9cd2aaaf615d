import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The TCP sockets a process listens on, from /proc: its descriptors' socket inodes matched
/// against the listening entries of /proc/<pid>/net/tcp and tcp6 (its network namespace's).
public enum ListeningSockets {
    /// Each as `address:port`, IPv6 addresses in brackets: `127.0.0.1:9250`, `[::1]:9250`.
    public static func of(_ pid: pid_t) throws -> [String] {
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
        let inodes = Set(descriptors.compactMap { descriptor -> Substring? in
            // "socket:[12345]"
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(descriptor)"),
                  target.hasPrefix("socket:[") else { return nil }
            return Substring(target.dropFirst("socket:[".count).dropLast())
        })
        var listening: [String] = []
        for table in ["tcp", "tcp6"] {
            let text = try String(contentsOfFile: "/proc/\(pid)/net/\(table)", encoding: .utf8)
            // "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …"
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9, fields[3] == "0A", inodes.contains(fields[9]) else { continue }
                listening.append(address(fields[1]))
            }
        }
        return listening
    }

    /// `0100007F:2422` or an IPv6 one of 32 digits: the address's 32-bit words each printed as
    /// a number of the host's byte order (so its bytes in memory are the address's), then the port.
    static func address(_ field: Substring) -> String {
        let parts = field.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1], radix: 16) else { return String(field) }
        let hex = Array(parts[0])
        var bytes: [UInt8] = []
        for word in stride(from: 0, to: hex.count, by: 8) {
            let digits = hex[word..<min(word + 8, hex.count)]
            guard let value = UInt32(String(digits), radix: 16) else { return String(field) }
            withUnsafeBytes(of: value) { bytes += $0 }
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        guard inet_ntop(family, bytes, &text, socklen_t(text.count)) != nil else { return String(field) }
        let host = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return family == AF_INET ? "\(host):\(port)" : "[\(host)]:\(port)"
    }
}
