import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A unix socket in front of the test's Docker engine that passes every request through, except
/// that once `holdNextRemoval()` is called the next container removal (`DELETE /containers/…`) is
/// read and never forwarded nor answered: a device-under-test container whose removal hangs.
/// `held` yields that request's line, so a test waits for the removal to be in flight, not for a
/// time. The engine's client makes one connection per call, so the first request line of a
/// connection is the only one to look at. Threads and blocking sockets keep it independent of the
/// code under test.
public final class EngineRemovalHold: Sendable {
    public let path: String
    public let held: AsyncStream<String>
    private let heldLines: AsyncStream<String>.Continuation
    private let listener: Int32
    private let engine: String
    private let armed = Mutex(false)

    /// Listens on `path`, forwarding to the engine at `engine` (a socket path).
    public init(path: String, engine: String) throws {
        self.path = path
        self.engine = engine
        (held, heldLines) = AsyncStream.makeStream(of: String.self)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("cannot make a socket: \(String(cString: strerror(errno)))") }
        var address = Self.address(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw TestFailure("cannot listen on \(path): \(String(cString: strerror(errno)))")
        }
        listener = fd
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                Thread.detachNewThread { self.serve(client) }
            }
        }
    }

    public func holdNextRemoval() {
        armed.withLock { $0 = true }
    }

    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        heldLines.finish()
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while !head.contains(UInt8(ascii: "\n")) {
            let count = read(client, &chunk, chunk.count)
            guard count > 0 else { return }
            head += chunk[..<count]
        }
        let line = String(decoding: head.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let hold = line.hasPrefix("DELETE /") && line.contains("/containers/") && armed.withLock { armed in
            defer { armed = false }
            return armed
        }
        if hold {
            heldLines.yield(line)
            // Until the client gives up or exits.
            while read(client, &chunk, chunk.count) > 0 {}
            return
        }
        let upstream = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(upstream) }
        var address = Self.address(engine)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0, Self.write(head[...], to: upstream) else { return }
        // Both directions until each ends (an exec's hijacked stream included).
        let done = DispatchGroup()
        DispatchQueue.global().async(group: done) { Self.pump(from: upstream, to: client, then: SHUT_WR) }
        // A client that goes away ends its call: a followed stream is not waited for.
        Self.pump(from: client, to: upstream, then: SHUT_RDWR)
        done.wait()
    }

    /// Copies until `source` ends, then shuts `destination` down as `how` says.
    private static func pump(from source: Int32, to destination: Int32, then how: Int) {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while case let count = read(source, &chunk, chunk.count), count > 0, write(chunk[..<count], to: destination) {}
        shutdown(destination, Int32(how))
    }

    private static func write(_ bytes: ArraySlice<UInt8>, to descriptor: Int32) -> Bool {
        var rest = bytes
        while !rest.isEmpty {
            let written = rest.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { return false }
            rest = rest.dropFirst(written)
        }
        return true
    }

    private static func address(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8).prefix($0.count - 1)) }
        return address
    }
}
