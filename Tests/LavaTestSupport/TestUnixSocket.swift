import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A unix stream socket file with a given mode, for tests of who may use a socket.
public enum TestUnixSocket {
    public static func bind(_ path: String, mode: mode_t) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8).prefix($0.count - 1)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, chmod(path, mode) == 0 else { throw TestFailure("cannot make the socket \(path): \(String(cString: strerror(errno)))") }
    }
}
