#if canImport(Glibc)
import Glibc
#endif

/// A TCP port on loopback that the kernel says is free, for servers a test must restart on the
/// same port or start as a separate process.
public enum FreePort {
    public struct Unavailable: Error {}

    public static func next() throws -> Int {
        let (fd, port) = try bound()
        close(fd)
        return port
    }

    /// A free port kept bound (not listening) until `release()`: connections to it are refused,
    /// as where no server runs, and no other test's server can take it meanwhile.
    public static func reserve() throws -> Reserved {
        let (fd, port) = try bound()
        return Reserved(port: port, descriptor: fd)
    }

    public final class Reserved: Sendable {
        public let port: Int
        private let descriptor: Int32

        fileprivate init(port: Int, descriptor: Int32) {
            self.port = port
            self.descriptor = descriptor
        }

        /// The port is free for the test's own server, to bind at once.
        public func release() {
            close(descriptor)
        }
    }

    private static func bound() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else {
            close(fd)
            throw Unavailable()
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
