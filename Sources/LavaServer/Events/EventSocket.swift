import HTTPTypes
import HummingbirdWebSocket
import Logging
import ServiceLifecycle

/// `GET /ws/`: LAVA's lava-publisher WebSocket. As LAVA's, it upgrades first and checks the
/// credentials after, refusing bad ones with one `{"error": ...}` frame; then it sends every
/// event the listener may see until either side closes, the server stops, or the listener
/// falls so far behind that the bus drops it.
struct EventSocket: Sendable {
    static let path = "/ws/"

    let server: Server

    typealias Handler = WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>

    /// The handler for an upgrade request, or nil when it is not for the event stream.
    func handler(for request: HTTPRequest) -> Handler? {
        guard let path = request.path, path.split(separator: "?", maxSplits: 1).first == Self.path[...] else { return nil }
        let headers = request.headerFields
        return { inbound, outbound, context in
            try await serve(headers: headers, inbound: inbound, outbound: outbound, logger: context.logger)
        }
    }

    private func serve(
        headers: HTTPFields, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, logger: Logger
    ) async throws {
        // Listen before anything else, so no event after the upgrade is missed.
        let subscription = server.events.listen()
        let listener: EventListener
        switch try await EventListener.identify(headers, server: server) {
        case .success(let identified):
            listener = identified
        case .failure(let refusal):
            try await outbound.write(.text(#"{"error": "\#(refusal.message)"}"#))
            try await outbound.close(.policyViolation, reason: refusal.message)
            return
        }
        let dropped = try await withThrowingTaskGroup(of: Bool.self) { group in
            // Read what the client sends (its closing, pings the library answers) and ignore the rest.
            group.addTask {
                for try await _ in inbound {}
                return false
            }
            group.addTask {
                for await published in subscription.events where listener.receives(published.event) {
                    // In frames of at most maxFrameSize, which clients with a small frame limit take.
                    try await outbound.writeTextMessage(published.message)
                }
                return false
            }
            // A dropped listener is told at once, not after the events queued before its drop
            // (which a stalled client would never take, leaving the writer blocked for good).
            group.addTask {
                for await _ in subscription.dropped { return true }
                return false
            }
            let first = try await group.next() ?? false
            group.cancelAll()
            return first
        }
        if dropped {
            logger.notice("event listener dropped: more than \(server.events.queueLimit) events behind")
            try await closeDropped(outbound, reason: "too slow: more than \(server.events.queueLimit) events behind")
        }
    }

    /// How long a dropped listener's close frame may wait for room: a stalled client cannot
    /// take it, and the write would wait for good.
    static let closeGrace = Duration.seconds(5)

    /// Sends the close frame, or gives up after `closeGrace` by throwing: the WebSocket handler
    /// then closes the connection once its close timeout passes.
    private func closeDropped(_ outbound: WebSocketOutboundWriter, reason: String) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await outbound.close(.policyViolation, reason: reason) }
            group.addTask {
                try await Task.sleep(for: Self.closeGrace)
                throw StalledListener()
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// A dropped listener that did not even take its close frame.
    private struct StalledListener: Error {}
}
