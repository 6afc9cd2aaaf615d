import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A DNS server that never answers and keeps the names it is asked: the nameserver of a
/// resolv.conf under test (`IsolatedResolver`). A lab whose DNS server does not answer makes
/// every lookup wait the resolver's timeout; a program asked nothing here does no lookup.
///
/// It listens on port 53 of a loopback address of its own (resolv.conf takes no port), which
/// needs root, as the Docker engine of the tests does.
public final class SilentNameServer: Sendable {
    /// 127.x.y.z, port 53.
    public let address: String
    private let socket: Int32

    public init() throws {
        let descriptor = Glibc.socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("SilentNameServer: socket(): \(String(cString: strerror(errno)))") }
        for _ in 0..<20 {
            let candidate = "127.\(Int.random(in: 1...254)).\(Int.random(in: 1...254)).\(Int.random(in: 1...254))"
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(53).bigEndian
            inet_pton(AF_INET, candidate, &address.sin_addr)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if bound == 0 {
                self.address = candidate
                socket = descriptor
                return
            }
            guard errno == EADDRINUSE else {
                let reason = String(cString: strerror(errno))
                Glibc.close(descriptor)
                throw TestFailure("SilentNameServer: cannot listen on \(candidate):53 (\(reason)); binding port 53 needs root")
            }
        }
        Glibc.close(descriptor)
        throw TestFailure("SilentNameServer: no free loopback address for port 53")
    }

    deinit {
        Glibc.close(socket)
    }

    /// `nameserver <address>`, with a one-second timeout and one attempt, so that a lookup the
    /// test is there to catch costs a second rather than glibc's default ten.
    public var resolvConf: String {
        "nameserver \(address)\noptions timeout:1 attempts:1\n"
    }

    /// The names asked since the last call, as `<qtype> <name>` (`1 docker-lab` is an A query);
    /// reads what has arrived without waiting.
    public func takeQueries() -> [String] {
        var queries: [String] = []
        var buffer = [UInt8](repeating: 0, count: 1500)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            guard count > 0 else { return queries }
            queries.append(Self.question(in: buffer.prefix(count)) ?? "unreadable query of \(count) bytes")
        }
    }

    /// The question of a DNS query: its labels after the 12-byte header, then the type.
    static func question(in packet: ArraySlice<UInt8>) -> String? {
        var index = packet.startIndex + 12
        var labels: [String] = []
        while index < packet.endIndex {
            let length = Int(packet[index])
            index += 1
            if length == 0 {
                guard index + 1 < packet.endIndex else { return nil }
                let type = Int(packet[index]) << 8 | Int(packet[index + 1])
                return "\(type) \(labels.joined(separator: "."))"
            }
            guard index + length <= packet.endIndex else { return nil }
            labels.append(String(decoding: packet[index..<index + length], as: UTF8.self))
            index += length
        }
        return nil
    }
}
