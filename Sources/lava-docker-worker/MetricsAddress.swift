import ArgumentParser
import FlyingSocks
#if canImport(Glibc)
import Glibc
#endif

/// `--metrics-address HOST:PORT`: an IPv4 address or a bracketed IPv6 one, and a port; the
/// listener binds to exactly that address (127.0.0.1 keeps it on the host).
struct MetricsAddress: ExpressibleByArgument, CustomStringConvertible, Sendable {
    static let standard = MetricsAddress(host: "127.0.0.1", port: 9250)

    let host: String
    let port: UInt16

    init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), let port = UInt16(argument[argument.index(after: colon)...]), port > 0 else {
            return nil
        }
        self.init(host: String(argument[..<colon]), port: port)
        guard (try? socketAddress()) != nil else { return nil }
    }

    /// What the listener binds.
    func socketAddress() throws -> any SocketAddress {
        if host.hasPrefix("["), host.hasSuffix("]") {
            return try sockaddr_in6.inet6(ip6: String(host.dropFirst().dropLast()), port: port)
        }
        return try sockaddr_in.inet(ip4: host, port: port)
    }

    var description: String { "\(host):\(port)" }

    /// Where `status` reads: the same address over HTTP.
    var metricsURL: String { "http://\(host):\(port)/metrics" }
}
