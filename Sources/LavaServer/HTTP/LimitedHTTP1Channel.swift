import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 channel with `HTTPLimits`: its idle timeout, plus the connection cap and
/// the header and body deadlines it has no setting for.
struct LimitedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    private let http1: HTTP1Channel
    private let count: ConnectionCount

    init(responder: @escaping HTTPChannelHandler.Responder, limits: HTTPLimits, count: ConnectionCount) {
        http1 = HTTP1Channel(responder: responder, configuration: .init(
            additionalChannelHandlers: [RequestDeadlineHandler(limits: limits)],
            idleTimeout: TimeAmount(limits.idleTimeout)
        ))
        self.count = count
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        http1.setup(channel: channel, logger: logger).flatMapThrowing { [count] value in
            try channel.pipeline.syncOperations.addHandler(RequestBytesHandler(), position: .first)
            try channel.pipeline.syncOperations.addHandler(ConnectionCapHandler(count: count), position: .first)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 under `limits`; one count of connections for the whole server.
    static func http1(limits: HTTPLimits) -> HTTPServerBuilder {
        let count = ConnectionCount(limit: limits.maxConnections)
        return HTTPServerBuilder { responder in LimitedHTTP1Channel(responder: responder, limits: limits, count: count) }
    }
}
