import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// Hummingbird's HTTP/1 channel with `HTTPLimits` (its idle timeout, plus the connection cap and
/// the header and body deadlines it has no setting for) and the WebSocket upgrade of `/ws/`
/// on the same port, as LAVA serves it behind Apache.
///
/// Built as hummingbird-websocket's HTTP1WebSocketUpgradeChannel is, but an upgraded connection
/// is handed to an `EventStreamHandler` in its pipeline instead of a task: `handle` returns, and
/// an idle listener costs no task (BENCHMARKS.md).
struct LimitedHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    enum UpgradeResult: Sendable {
        /// An event stream: its handler owns the connection now.
        case listening
        case notUpgraded(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case failedUpgrade(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
    }

    struct Value: ServerChildChannelValue {
        let upgradeResult: EventLoopFuture<UpgradeResult>
        let channel: any Channel
    }

    let responder: HTTPChannelHandler.Responder
    private let http1: HTTP1Channel.Configuration
    private let limits: HTTPLimits
    private let count: ConnectionCount
    private let events: EventSocket?

    init(responder: @escaping HTTPChannelHandler.Responder, limits: HTTPLimits, count: ConnectionCount, events: EventSocket?) {
        self.responder = Self.redirectingLateUpgrades(responder)
        http1 = .init(additionalChannelHandlers: [RequestDeadlineHandler(limits: limits)], idleTimeout: TimeAmount(limits.idleTimeout))
        self.limits = limits
        self.count = count
        self.events = events
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            var logger = logger
            logger[metadataKey: "hb.request.id"] = .stringConvertible(RequestID())
            let result = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(
                configuration: upgradeConfiguration(channel: channel, logger: logger)
            )
            // The first request's head is parsed by the upgrade-aware decoder, before the
            // RequestDeadlineHandler joins the pipeline: it has a deadline of its own.
            try channel.pipeline.syncOperations.addHandler(FirstHeadDeadlineHandler(timeout: limits.headerTimeout), position: .first)
            try channel.pipeline.syncOperations.addHandler(RequestBytesHandler(), position: .first)
            try channel.pipeline.syncOperations.addHandler(ConnectionCapHandler(count: count), position: .first)
            return Value(upgradeResult: result, channel: channel)
        }
    }

    /// An upgrade can only be the first request of a connection (NIO's upgrade handler steps
    /// aside after it), but a proxy such as haproxy may send it on a connection it keeps alive:
    /// such a request is sent back to the same path on a new connection, as
    /// hummingbird-websocket's channel does (307, `Connection: close`).
    private static func redirectingLateUpgrades(_ responder: @escaping HTTPChannelHandler.Responder) -> HTTPChannelHandler.Responder {
        { request, writer, channel in
            guard request.headers[.upgrade]?.lowercased() == "websocket" else { return try await responder(request, writer, channel) }
            var target = request.uri.path
            if let query = request.uri.query { target += "?\(query)" }
            try await writer.writeResponse(HTTPResponse(status: .temporaryRedirect, headerFields: [.connection: "close", .location: target]))
            throw LateUpgrade()
        }
    }

    /// Ends the connection of a late upgrade once it is redirected.
    private struct LateUpgrade: Error {}

    private func upgradeConfiguration(channel: any Channel, logger: Logger) -> NIOUpgradableHTTPServerPipelineConfiguration<UpgradeResult> {
        // Both run on the channel's event loop, one after the other.
        let upgradeAttempted = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
        let opened = NIOLoopBoundBox<NIOLoopBound<EventStreamHandler>?>(nil, eventLoop: channel.eventLoop)
        let upgrader = NIOTypedWebSocketServerUpgrader<UpgradeResult>(
            maxFrameSize: EventStreamHandler.maxFrameSize,
            shouldUpgrade: { [events] channel, head in
                guard let events, EventSocket.isEventStream(head) else { return channel.eventLoop.makeSucceededFuture(nil) }
                upgradeAttempted.value = true
                let (handler, identified) = events.open(head, channel: channel, logger: logger)
                opened.value = handler
                return identified.map { HTTPHeaders() }
            },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    guard let handler = opened.value else { throw ChannelError.inappropriateOperationForState }
                    try channel.pipeline.syncOperations.addHandler(handler.value)
                    return UpgradeResult.listening
                }
            }
        )
        let upgrade = NIOTypedHTTPServerUpgradeConfiguration(
            upgraders: [upgrader],
            notUpgradingCompletionHandler: { [http1] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                    try channel.pipeline.syncOperations.addHandlers(http1.additionalChannelHandlers())
                    try channel.pipeline.syncOperations.addHandler(
                        HTTPConnectionStateHandler(idleTimeout: http1.idleTimeout.map { .init($0) }, logger: logger)
                    )
                    let asyncChannel = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                        wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true)
                    )
                    return upgradeAttempted.value ? .failedUpgrade(asyncChannel) : .notUpgraded(asyncChannel)
                }
            }
        )
        var configuration = NIOUpgradableHTTPServerPipelineConfiguration<UpgradeResult>(upgradeConfiguration: upgrade)
        configuration.enablePipelining = false  // Hummingbird's NIOAsyncChannel pipelines HTTP
        configuration.enableErrorHandling = false  // Hummingbird answers errors
        configuration.enableResponseHeaderValidation = false  // HTTPTypes validates them
        configuration.decoderConfiguration.maxHeaderFieldSize = http1.httpDecoder.maxHeaderFieldSize
        configuration.decoderConfiguration.maxHeaderListSize = http1.httpDecoder.maxHeaderListSize
        configuration.decoderConfiguration.maxHeaderFieldCount = http1.httpDecoder.maxHeaderFieldCount
        return configuration
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.upgradeResult.get() {
            case .listening:
                // The EventStreamHandler has the connection; this task ends.
                break
            case .notUpgraded(let http1):
                await handleHTTP(asyncChannel: http1, logger: logger)
            case .failedUpgrade(let http1):
                await refuseUpgrade(http1, logger: logger)
            }
        } catch let error as ChannelError where error == .inputClosed {
            logger.trace("the connection closed before its first request")
        } catch {
            logger.debug("upgrade failed: \(error)")
        }
    }

    /// A `/ws/` upgrade request that NIOWebSocket refused (a bad key or version): 400.
    private func refuseUpgrade(_ channel: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, logger: Logger) async {
        do {
            try await channel.executeThenClose { _, outbound in
                try await outbound.write(contentsOf: [
                    .head(HTTPResponse(status: .badRequest, headerFields: [.connection: "close", .contentLength: "0"])),
                    .end(nil),
                ])
            }
        } catch {
            logger.trace("the refused upgrade's answer was not written: \(error)")
        }
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
