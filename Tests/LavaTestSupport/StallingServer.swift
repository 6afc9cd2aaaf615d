import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP server on loopback that reads each request and never answers it, or only begins to
/// (`answer`, e.g. a head and part of a body), as a server that hangs does: for tests of what a
/// client does while it waits. `requests` yields each request line as it arrives, so a test
/// waits for the request to be in flight, not for a time. Threads and blocking sockets keep it
/// independent of the code under test.
public final class StallingServer: Sendable {
    public let port: Int
    public let requests: AsyncStream<String>
    private let arrived: AsyncStream<String>.Continuation
    private let listener: Int32
    private let clients = Mutex<[Int32]>([])
    private let answer: [UInt8]

    /// `answer` is sent as it is, in one write, after each request's head.
    public init(answer: [UInt8] = []) throws {
        self.answer = answer
        let (fd, port) = try LoopbackListener.open(for: "the stalling server")
        listener = fd
        self.port = port
        (requests, arrived) = AsyncStream.makeStream(of: String.self)
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                clients.withLock { $0.append(client) }
                Thread.detachNewThread { self.hold(client) }
            }
        }
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Closes the listener and every connection.
    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for client in clients.withLock({ $0 }) { shutdown(client, Int32(SHUT_RDWR)) }
        arrived.finish()
    }

    /// Reads request heads, reports their first lines and sends `answer` until the client goes away.
    private func hold(_ client: Int32) {
        defer {
            clients.withLock { $0.removeAll { $0 == client } }
            close(client)
        }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(client, &chunk, chunk.count, 0)
            guard count > 0 else { return }
            buffer += chunk.prefix(count)
            while let end = buffer.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
                buffer.removeSubrange(..<end.upperBound)
                arrived.yield(head.components(separatedBy: "\r\n")[0])
                if !answer.isEmpty { _ = send(client, answer, answer.count, Int32(MSG_NOSIGNAL)) }
            }
        }
    }
}
