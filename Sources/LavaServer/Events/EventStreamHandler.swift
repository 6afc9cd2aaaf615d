import Logging
import NIOCore
import NIOWebSocket

/// One upgraded `/ws/` connection, as a channel handler on its event loop: an idle listener
/// costs its channel and this object, not a task with its stack per connection as
/// hummingbird-websocket's handler does (about 20 KiB of task stacks per client: BENCHMARKS.md,
/// "Fan-out and memory per client"). What it does is `EventStreamState`'s; this does the I/O.
///
/// Hand-written over NIOWebSocket's frame codec because no listed package serves a WebSocket
/// without a task per connection; it speaks only what the stream needs: text messages out,
/// pings both ways, and the close handshake.
final class EventStreamHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    struct Timing: Sendable {
        /// The server pings this often (LAVA's aiohttp heartbeat) and drops a client that did
        /// not answer the one before.
        var pingPeriod: TimeAmount = .seconds(30)
        /// How long a close frame waits for the client's.
        var closeTimeout: TimeAmount = .seconds(10)
    }

    /// Frames out are at most this long, which clients with a small frame limit take.
    static let maxFrameSize = 1 << 14

    private var state: EventStreamState
    private let timing: Timing
    private let logger: Logger
    private let leave: @Sendable () -> Void
    /// The credentials' answer, set before the handler joins the pipeline.
    var identification: Result<EventListener, EventListener.Refusal>?
    /// What the state decided before the handler joined the pipeline, done once it has.
    private var deferred: [EventStreamState.Action] = []
    private var context: ChannelHandlerContext?
    private var pingTimer: Scheduled<Void>?
    private var closeTimer: Scheduled<Void>?
    private var lastPing: ByteBuffer?

    init(queueLimit: Int, timing: Timing, logger: Logger, leave: @escaping @Sendable () -> Void) {
        state = EventStreamState(queueLimit: queueLimit)
        self.timing = timing
        self.logger = logger
        self.leave = leave
    }

    /// Events from the bus, on the event loop.
    func published(_ events: [PublishedEvent]) {
        guard let context else {
            // Still identifying: the state holds the events (bounded) until the credentials pass.
            return deferred.append(contentsOf: state.handle(.published(events, writable: true)))
        }
        run(.published(events, writable: context.channel.isWritable), context)
    }

    /// More deliveries waited on the event loop than the queue limit: dropped as too slow.
    func fellBehind() {
        guard let context else { return deferred.append(contentsOf: state.handle(.fellBehind)) }
        run(.fellBehind, context)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        schedulePing(context)
        for action in deferred { perform(action, context) }
        deferred = []
        if let identification { run(.identified(identification), context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTimers()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        run(.connectionGone, context)
        stopTimers()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { run(.becameWritable, context) }
        context.fireChannelWritabilityChanged()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .ping:
            lastPing = frame.unmaskedData
            run(.receivedPing, context)
        case .pong:
            run(.receivedPong, context)
        case .connectionClose:
            run(.receivedClose, context)
        default:
            // LAVA's clients send nothing else; what they might is not for the server.
            break
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            run(.serverStopping, context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("event stream connection failed: \(error)")
        run(.failed, context)
    }

    private func run(_ event: EventStreamState.Event, _ context: ChannelHandlerContext) {
        for action in state.handle(event) {
            perform(action, context)
        }
    }

    private func perform(_ action: EventStreamState.Action, _ context: ChannelHandlerContext) {
        switch action {
        case .send(let messages):
            for message in messages { writeText(message, context) }
            context.flush()
        case .sendPing:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .ping, data: context.channel.allocator.buffer(string: "lava"))), promise: nil)
        case .answerPing:
            let data = lastPing ?? context.channel.allocator.buffer(capacity: 0)
            lastPing = nil
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: data)), promise: nil)
        case .sendClose(let code, let reason):
            var data = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
            data.writeInteger(code.rawValue)
            data.writeString(reason)
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)), promise: nil)
            pingTimer?.cancel()
            if closeTimer == nil {
                closeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: timing.closeTimeout) { [self] in
                    if let context = self.context { run(.closeTimedOut, context) }
                }
            }
        case .closeConnection:
            stopTimers()
            context.close(promise: nil)
        case .leaveBus:
            leave()
        case .logDropped:
            logger.notice("event listener dropped: more than \(state.queueLimit) events behind")
        }
    }

    /// One text message, in frames of at most `maxFrameSize` bytes.
    private func writeText(_ message: String, _ context: ChannelHandlerContext) {
        var bytes = context.channel.allocator.buffer(string: message)
        var opcode = WebSocketOpcode.text
        repeat {
            let length = min(bytes.readableBytes, Self.maxFrameSize)
            // readSlice of at most readableBytes cannot fail.
            let part = bytes.readSlice(length: length) ?? context.channel.allocator.buffer(capacity: 0)
            context.write(wrapOutboundOut(WebSocketFrame(fin: bytes.readableBytes == 0, opcode: opcode, data: part)), promise: nil)
            opcode = .continuation
        } while bytes.readableBytes > 0
    }

    private func schedulePing(_ context: ChannelHandlerContext) {
        pingTimer = context.eventLoop.assumeIsolated().scheduleTask(in: timing.pingPeriod) { [self] in
            guard let context = self.context else { return }
            run(.pingDue, context)
            switch state.phase {
            case .identifying, .listening: schedulePing(context)
            case .closing, .closed: break
            }
        }
    }

    private func stopTimers() {
        pingTimer?.cancel()
        closeTimer?.cancel()
        pingTimer = nil
        closeTimer = nil
    }
}
