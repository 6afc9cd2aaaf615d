import Synchronization

/// An event with its message text, encoded once for all listeners.
struct PublishedEvent: Sendable {
    let event: ServerEvent
    let message: String
}

/// One listener's events, and word of its dropping: a dropped listener's stream still holds
/// the events queued before, which a client that cannot take them must not have to drain first.
struct EventSubscription: Sendable {
    let events: AsyncStream<PublishedEvent>
    /// Ends (with one element) when the bus drops the listener; ends without one otherwise.
    let dropped: AsyncStream<Void>
}

/// Hands each event to every listener of this instance. Each listener has its own bounded
/// queue; one that falls `queueLimit` events behind is dropped (its stream ends) rather than
/// waited for or left to grow, so a slow client costs the others nothing.
final class EventBus: Sendable {
    let topicPrefix: String
    let queueLimit: Int
    private struct Entry {
        let events: AsyncStream<PublishedEvent>.Continuation
        let dropped: AsyncStream<Void>.Continuation
    }

    private struct Listeners {
        var next = 0
        var streams: [Int: Entry] = [:]
        /// Those waiting for a number of listeners (tests, benchmarks), by a number of their own.
        var waiting: [Int: (count: Int, continuation: CheckedContinuation<Void, Never>)] = [:]

        mutating func resumeWaiting() {
            for (id, waiter) in waiting where streams.count >= waiter.count {
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

    /// The events published from now on; the stream ends when the listener is dropped for
    /// falling behind, and the listening stops when its iteration ends.
    func listen() -> EventSubscription {
        let (stream, continuation) = AsyncStream<PublishedEvent>.makeStream(bufferingPolicy: .bufferingOldest(queueLimit))
        let (dropped, droppedContinuation) = AsyncStream<Void>.makeStream()
        let id = newID()
        // Before the listener is known to `publish`, which may end its stream at once.
        continuation.onTermination = { [weak self] _ in
            droppedContinuation.finish()
            _ = self?.listeners.withLock { $0.streams.removeValue(forKey: id) }
        }
        listeners.withLock { state in
            state.streams[id] = Entry(events: continuation, dropped: droppedContinuation)
            state.resumeWaiting()
        }
        return EventSubscription(events: stream, dropped: dropped)
    }

    private func newID() -> Int {
        listeners.withLock { state in
            defer { state.next += 1 }
            return state.next
        }
    }

    var listenerCount: Int { listeners.withLock { $0.streams.count } }

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
        let streams = listeners.withLock { Array($0.streams.values) }
        for entry in streams {
            for event in published {
                if case .dropped = entry.events.yield(event) {
                    entry.dropped.yield()
                    entry.dropped.finish()
                    entry.events.finish()
                    break
                }
            }
        }
    }
}
