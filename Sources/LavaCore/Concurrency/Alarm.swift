import Synchronization

/// A loop's wait: ends at its deadline, early when `ring` is called (a lava-run ended, a stop
/// was asked for, a question should be asked now), or when the waiting task is cancelled. Rings
/// while nobody waits are kept for the next wait, so none is lost. One task waits at a time.
public final class Alarm: Sendable {
    /// What rang; each loop names its own (`extension Alarm.Rings { static let … }`).
    public struct Rings: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
    }

    private struct State {
        var pending: Rings = []
        var sleeper: CheckedContinuation<Rings, Never>?
        /// The current wait, so that a late timer of an earlier wait wakes nobody.
        var wait = 0
        /// The current wait's timer (or its cancellation) fired before it slept.
        var expired = false
    }

    private let state = Mutex(State())

    public init() {}

    public func ring(_ rings: Rings) {
        let woken = state.withLock { state -> (CheckedContinuation<Rings, Never>, Rings)? in
            state.pending.formUnion(rings)
            guard let sleeper = state.sleeper else { return nil }
            state.sleeper = nil
            defer { state.pending = [] }
            return (sleeper, state.pending)
        }
        woken.map { $0.0.resume(returning: $0.1) }
    }

    /// What rang, or nothing when the deadline came or the task was cancelled.
    public func wait(until deadline: ContinuousClock.Instant) async -> Rings {
        let wait = state.withLock { state -> Int? in
            guard state.pending.isEmpty else { return nil }
            state.wait += 1
            state.expired = false
            return state.wait
        }
        guard let wait else { return state.withLock { state in defer { state.pending = [] }; return state.pending } }
        return await withTaskGroup(of: Void.self) { timer in
            timer.addTask {
                // Cut short by cancellation once the wait is over: expire() is then a no-op.
                try? await Task.sleep(until: deadline, clock: .continuous)
                self.expire(wait)
            }
            let rings = await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let now = state.withLock { state -> Rings? in
                        if !state.pending.isEmpty {
                            defer { state.pending = [] }
                            return state.pending
                        }
                        if state.expired { return [] }
                        state.sleeper = continuation
                        return nil
                    }
                    if let now { continuation.resume(returning: now) }
                }
            } onCancel: {
                self.expire(wait)
            }
            state.withLock { $0.wait += 1 }
            timer.cancelAll()
            return rings
        }
    }

    private func expire(_ wait: Int) {
        let sleeper = state.withLock { state -> CheckedContinuation<Rings, Never>? in
            guard state.wait == wait else { return nil }
            guard let sleeper = state.sleeper else {
                state.expired = true
                return nil
            }
            state.sleeper = nil
            return sleeper
        }
        sleeper?.resume(returning: [])
    }
}
