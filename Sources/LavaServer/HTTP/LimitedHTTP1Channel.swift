import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// Hummingbird's HTTP/1 channel with `HTTPLimits` (its idle timeout, plus the connection cap and
/// the header and body deadlines it has no setting for) and the WebSocket upgrade of `/ws/`
/// on the same port, as LAVA serves it behind Apache.
struct LimitedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value

    private let channel: HTTP1WebSocketUpgradeChannel
    private let limits: HTTPLimits
    private let count: ConnectionCount

    init(responder: @escaping HTTPChannelHandler.Responder, limits: HTTPLimits, count: ConnectionCount, events: EventSocket?) {
        channel = HTTP1WebSocketUpgradeChannel(
            responder: responder,
            configuration: .init(
                http1: .init(additionalChannelHandlers: [RequestDeadlineHandler(limits: limits)], idleTimeout: TimeAmount(limits.idleTimeout)),
                // The server pings every 30 s (LAVA's aiohttp heartbeat) and drops a client that
                // does not answer; a closing client has 10 s to answer the close frame.
                ws: .init(maxFrameSize: 1 << 14, autoPing: .enabled(timePeriod: .seconds(30)), closeTimeout: .seconds(10))
            )
        ) { request, _, _ in
            guard let handler = events?.handler(for: request) else { return .dontUpgrade }
            return .upgrade([:], handler)
        }
        self.limits = limits
        self.count = count
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        self.channel.setup(channel: channel, logger: logger).flatMapThrowing { [count, limits] value in
            // The first request's head is parsed by the upgrade-aware decoder, before the
            // RequestDeadlineHandler joins the pipeline: it has a deadline of its own.
            try channel.pipeline.syncOperations.addHandler(FirstHeadDeadlineHandler(timeout: limits.headerTimeout), position: .first)
            try channel.pipeline.syncOperations.addHandler(RequestBytesHandler(), position: .first)
            try channel.pipeline.syncOperations.addHandler(ConnectionCapHandler(count: count), position: .first)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await channel.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 under `limits`, with `/ws/` when `events` is given; one count of connections for
    /// the whole server.
    static func http1(limits: HTTPLimits, events: EventSocket? = nil) -> HTTPServerBuilder {
        let count = ConnectionCount(limit: limits.maxConnections)
        return HTTPServerBuilder { responder in LimitedHTTP1Channel(responder: responder, limits: limits, count: count, events: events) }
    }
}
