import NIOCore
import Synchronization

/// The server's open connections, shared by all of them: each counts itself in and out.
final class ConnectionCount: Sendable {
    private let open = Mutex(0)
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts a connection in, unless `limit` are open already.
    func admit() -> Bool {
        open.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func leave() {
        open.withLock { $0 -= 1 }
    }
}

/// First in each connection's pipeline: a connection over the cap is answered 503 and closed at
/// once. Hummingbird's MaximumAvailableConnections instead stops accepting, which leaves new
/// clients waiting in the kernel's backlog, unanswered, until they time out.
final class ConnectionCapHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let count: ConnectionCount
    private var admitted: Bool?

    init(count: ConnectionCount) {
        self.count = count
    }

    // NIO adds an accepted connection's handlers before it registers the socket, so a refusal
    // waits for channelActive, when it can be written.
    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if admitted == nil { admit(context) }
        context.fireChannelActive()
    }

    // On inactive rather than on removal, which NIO defers to a later turn of the event loop, so
    // a client that saw this connection end finds its place free.
    func channelInactive(context: ChannelHandlerContext) {
        if admitted == true { count.leave() }
        admitted = false
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // A refused connection's request is not read.
        if admitted == true { context.fireChannelRead(data) }
    }

    private func admit(_ context: ChannelHandlerContext) {
        admitted = count.admit()
        guard admitted == false else { return }
        let message = "Too many connections: the server's limit is \(count.limit) (--max-connections); try again shortly\n"
        let response = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: \(message.utf8.count)\r\n"
            + "Retry-After: 1\r\nConnection: close\r\n\r\n" + message
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: response)), promise: nil)
        context.close(promise: nil)
    }
}
