import Synchronization

/// An event with its message text, encoded once for all listeners.
struct PublishedEvent: Sendable {
    let event: ServerEvent
    let message: String
}

/// Hands each event to every listener of this instance. `publish` waits for none of them: each
/// listener's `deliver` hands the events to its connection's event loop, whose bounded backlog
/// (`queueLimit` events, EventStreamState) drops a listener that falls behind rather than
/// waiting for it or growing, so a slow client costs the others nothing.
final class EventBus: Sendable {
    let topicPrefix: String
    let queueLimit: Int

    /// One listener: what it does with the events published, without blocking.
    struct Member: Sendable {
        let deliver: @Sendable ([PublishedEvent]) -> Void
    }

    /// A member's place on the bus, to leave it by.
    struct Membership: Sendable, Hashable {
        fileprivate let id: Int
    }

    private struct Listeners {
        var next = 0
        var members: [Int: Member] = [:]
        /// Those waiting for a number of listeners (tests, benchmarks), by a number of their own.
        var waiting: [Int: (count: Int, continuation: CheckedContinuation<Void, Never>)] = [:]

        mutating func resumeWaiting() {
            for (id, waiter) in waiting where members.count >= waiter.count {
                waiting.removeValue(forKey: id)
                waiter.continuation.resume()
            }
        }
    }

    private let listeners = Mutex(Listeners())

    init(topicPrefix: String, queueLimit: Int) {
        self.topicPrefix = topicPrefix
        self.queueLimit = queueLimit
    }

    /// Delivers the events published from now on to `member`, until it leaves.
    func join(_ member: Member) -> Membership {
        let id = newID()
        listeners.withLock { state in
            state.members[id] = member
            state.resumeWaiting()
        }
        return Membership(id: id)
    }

    func leave(_ membership: Membership) {
        _ = listeners.withLock { $0.members.removeValue(forKey: membership.id) }
    }

    private func newID() -> Int {
        listeners.withLock { state in
            defer { state.next += 1 }
            return state.next
        }
    }

    var listenerCount: Int { listeners.withLock { $0.members.count } }

    /// Returns once at least `count` listeners listen, or the task is cancelled.
    func waitForListeners(_ count: Int) async {
        let id = newID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                listeners.withLock { state in
                    if Task.isCancelled { return continuation.resume() }
                    state.waiting[id] = (count, continuation)
                    state.resumeWaiting()
                }
            }
        } onCancel: {
            listeners.withLock { $0.waiting.removeValue(forKey: id)?.continuation.resume() }
        }
    }

    func publish(_ events: [ServerEvent]) {
        guard !events.isEmpty else { return }
        let published = events.map { PublishedEvent(event: $0, message: $0.message(topicPrefix: topicPrefix)) }
        let members = listeners.withLock { Array($0.members.values) }
        for member in members {
            member.deliver(published)
        }
    }
}
