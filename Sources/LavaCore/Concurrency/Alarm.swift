import Synchronization

/// The loop's sleep: ends when its time is up, or early when `ring` is called (a child ended, a
/// stop was asked for). A ring while nobody sleeps is kept for the next sleep, so none is lost.
public final class Alarm: Sendable {
    public enum Reason: Sendable, Equatable {
        case timeUp
        case rung
    }

    private struct State {
        var sleeper: CheckedContinuation<Reason, Never>?
        var pending = false
        var generation = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func ring() {
        let sleeper = state.withLock { state -> CheckedContinuation<Reason, Never>? in
            guard let sleeper = state.sleeper else {
                state.pending = true
                return nil
            }
            state.sleeper = nil
            return sleeper
        }
        sleeper?.resume(returning: .rung)
    }

    public func sleep(for duration: Duration) async -> Reason {
        let generation = state.withLock { state -> Int? in
            if state.pending {
                state.pending = false
                return nil
            }
            state.generation += 1
            return state.generation
        }
        guard let generation else { return .rung }
        let timer = Task {
            try? await Task.sleep(for: duration)
            wake(generation, .timeUp)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let early = state.withLock { state -> Bool in
                    // The timer may already have fired for this generation.
                    guard state.generation == generation else { return true }
                    state.sleeper = continuation
                    return false
                }
                if early { continuation.resume(returning: .timeUp) }
            }
        } onCancel: {
            wake(generation, .timeUp)
        }
    }

    private func wake(_ generation: Int, _ reason: Reason) {
        let sleeper = state.withLock { state -> CheckedContinuation<Reason, Never>? in
            guard state.generation == generation else { return nil }
            state.generation += 1
            defer { state.sleeper = nil }
            return state.sleeper
        }
        sleeper?.resume(returning: reason)
    }
}
