import Synchronization

/// An event with its message text, encoded once for all listeners.
struct PublishedEvent: Sendable {
    let event: ServerEvent
    let message: String
}

/// Hands each event to every listener of this instance. Each listener has its own bounded
/// queue; one that falls `queueLimit` events behind is dropped (its stream ends) rather than
/// waited for or left to grow, so a slow client costs the others nothing.
final class EventBus: Sendable {
    let topicPrefix: String
    let queueLimit: Int
    private struct Listeners {
        var next = 0
        var streams: [Int: AsyncStream<PublishedEvent>.Continuation] = [:]
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

    /// A stream of the events published from now on; it ends when the listener is dropped for
    /// falling behind, and stops the listening when its iteration ends.
    func listen() -> AsyncStream<PublishedEvent> {
        let (stream, continuation) = AsyncStream<PublishedEvent>.makeStream(bufferingPolicy: .bufferingOldest(queueLimit))
        let id = newID()
        // Before the listener is known to `publish`, which may end its stream at once.
        continuation.onTermination = { [weak self] _ in
            _ = self?.listeners.withLock { $0.streams.removeValue(forKey: id) }
        }
        listeners.withLock { state in
            state.streams[id] = continuation
            state.resumeWaiting()
        }
        return stream
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
        for continuation in streams {
            for event in published {
                if case .dropped = continuation.yield(event) {
                    continuation.finish()
                    break
                }
            }
        }
    }
}
