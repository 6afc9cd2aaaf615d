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
        let events = server.events.listen()
        let listener: EventListener
        switch try await EventListener.identify(headers, server: server) {
        case .success(let identified):
            listener = identified
        case .failure(let refusal):
            try await outbound.write(.text(#"{"error": "\#(refusal.message)"}"#))
            try await outbound.close(.policyViolation, reason: refusal.message)
            return
        }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            // Read what the client sends (its closing, pings the library answers) and ignore the rest.
            group.addTask {
                for try await _ in inbound {}
                return false
            }
            group.addTask {
                for await published in events where listener.receives(published.event) {
                    try await outbound.write(.text(published.message))
                }
                return !Task.isCancelled
            }
            let dropped = try await group.next() ?? false
            group.cancelAll()
            if dropped {
                logger.notice("event listener dropped: more than \(server.events.queueLimit) events behind")
                try await outbound.close(.policyViolation, reason: "too slow: more than \(server.events.queueLimit) events behind")
            }
        }
    }
}
