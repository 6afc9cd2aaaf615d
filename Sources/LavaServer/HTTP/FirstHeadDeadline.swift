import NIOCore

/// Closes a connection whose first request head (up to its blank line) has not arrived within
/// `timeout` of the connection opening, then steps aside: later requests, and a WebSocket
/// after its upgrade, are not its business.
final class FirstHeadDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let timeout: Duration
    private var deadline: Scheduled<Void>?
    /// The last bytes seen, for a blank line split across reads.
    private var tail: [UInt8] = []

    init(timeout: Duration) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let bytes = tail + buffer.readableBytesView
        if Self.endsHead(bytes) {
            deadline?.cancel()
            deadline = nil
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        tail = Array(bytes.suffix(3))
        context.fireChannelRead(data)
    }

    static func endsHead(_ bytes: [UInt8]) -> Bool {
        let blankLine: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= blankLine.count else { return false }
        return (0...(bytes.count - blankLine.count)).contains { bytes[$0..<($0 + blankLine.count)].elementsEqual(blankLine) }
    }
}
