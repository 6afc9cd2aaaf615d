import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Told by `RequestBytesHandler` that bytes came in, before the HTTP decoder sees them.
struct RequestBytesArrived {}

/// Before the HTTP decoder, which says nothing until a request's head is complete: reports each
/// read, so the header deadline can start at a request's first byte.
final class RequestBytesHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireUserInboundEventTriggered(RequestBytesArrived())
        context.fireChannelRead(data)
    }
}

/// Closes a connection whose request head does not arrive within `headerTimeout` of the
/// connection opening or of the request's first byte, or whose body does not end within
/// `bodyTimeout` of its head. Hummingbird 2 has only an idle timeout, which every byte resets:
/// a client trickling a byte every few seconds (slowloris) would hold its connection forever.
final class RequestDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart

    private enum Phase {
        /// Between requests: the idle timeout applies.
        case idle
        case head
        case body
    }

    private let limits: HTTPLimits
    private var phase = Phase.head
    private var deadline: Scheduled<Void>?

    init(limits: HTTPLimits) {
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // A connection's first request is due from its opening, so silent ones go too.
        start(.head, context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is RequestBytesArrived else { return context.fireUserInboundEventTriggered(event) }
        if phase == .idle { start(.head, context: context) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            start(.body, context: context)
        case .end:
            deadline?.cancel()
            deadline = nil
            phase = .idle
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    private func start(_ next: Phase, context: ChannelHandlerContext) {
        deadline?.cancel()
        phase = next
        let timeout = next == .head ? limits.headerTimeout : limits.bodyTimeout
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
            context.close(promise: nil)
        }
    }
}
