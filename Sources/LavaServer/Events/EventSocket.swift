import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Synchronization

/// `GET /ws/`: LAVA's lava-publisher WebSocket. As LAVA's, it upgrades first and refuses bad
/// credentials after, with one `{"error": ...}` frame; then it sends every event the listener
/// may see until either side closes, the server stops, or the listener falls so far behind that
/// it is dropped. The connection is then an `EventStreamHandler` on its event loop.
struct EventSocket: Sendable {
    static let path = "/ws/"

    let server: Server
    var timing = EventStreamHandler.Timing()

    /// Whether an upgrade request is for the event stream, its target in any of HTTP's forms
    /// (a proxy may send the absolute form).
    static func isEventStream(_ head: HTTPRequestHead) -> Bool {
        guard let request = try? HTTPRequest(head, secure: false, splitCookie: false), let target = request.path else { return false }
        return target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first == path[...]
    }

    /// For an upgrade request to `/ws/` on `channel` (on its event loop): the connection's
    /// handler, already on the bus so that no event after the upgrade is missed, and the check of
    /// its credentials, which the upgrade waits for.
    func open(_ head: HTTPRequestHead, channel: any Channel, logger: Logger) -> (NIOLoopBound<EventStreamHandler>, EventLoopFuture<Void>) {
        let bus = server.events
        // All on the event loop: the handler's leaving and the channel's closing.
        let membership = NIOLoopBoundBox<EventBus.Membership?>(nil, eventLoop: channel.eventLoop)
        let leave: @Sendable () -> Void = {
            if let joined = membership.value {
                membership.value = nil
                bus.leave(joined)
            }
        }
        let handler = NIOLoopBound(EventStreamHandler(queueLimit: bus.queueLimit, timing: timing, logger: logger, leave: leave),
                                   eventLoop: channel.eventLoop)
        let eventLoop = channel.eventLoop
        // Deliveries wait on the event loop before the handler sees them: bounded too, so a
        // flood the loop cannot keep up with drops the listener instead of growing the queue.
        let inFlight = DeliveriesInFlight()
        let limit = bus.queueLimit
        membership.value = bus.join(EventBus.Member { events in
            guard inFlight.count.add(1, ordering: .relaxed).newValue <= limit else {
                inFlight.count.subtract(1, ordering: .relaxed)
                if !inFlight.overflowed.exchange(true, ordering: .relaxed) {
                    eventLoop.execute { handler.value.fellBehind() }
                }
                return
            }
            eventLoop.execute {
                inFlight.count.subtract(1, ordering: .relaxed)
                handler.value.published(events)
            }
        })
        // Whatever becomes of the upgrade, a closed connection is off the bus.
        channel.closeFuture.whenComplete { _ in leave() }

        let headers = HTTPFields(head.headers, splitCookie: false)
        let promise = eventLoop.makePromise(of: Result<EventListener, EventListener.Refusal>.self)
        promise.completeWithTask { [server] in
            do {
                return try await EventListener.identify(headers, server: server)
            } catch {
                logger.error("event listener not identified: \(error)")
                return .failure(EventListener.Refusal(message: "Internal error: try again later"))
            }
        }
        let identified = promise.futureResult.map { result in handler.value.identification = result }
        return (handler, identified)
    }
}

/// One listener's deliveries queued on its event loop.
private final class DeliveriesInFlight: Sendable {
    let count = Atomic<Int>(0)
    let overflowed = Atomic<Bool>(false)
}
