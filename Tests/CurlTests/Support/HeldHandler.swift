import Dispatch
import Synchronization

/// A stream's data handler that holds the session's queue inside its first call until it is
/// released: libcurl is then in its write callback, where no other callback of it can run, so a
/// test knows the transfer cannot have been aborted on libcurl's side meanwhile.
final class HeldHandler: Sendable {
    private struct State {
        var chunks: [[UInt8]] = []
        var released = false
        var releasedByGuard = false
    }

    private let state = Mutex(State())
    private let gate = DispatchSemaphore(value: 0)
    private let arrivals: AsyncStream<Void>.Continuation
    /// One element each time the handler is called.
    let calls: AsyncStream<Void>

    init() {
        (calls, arrivals) = AsyncStream.makeStream(of: Void.self)
    }

    /// The handler: keeps `bytes` and, until released, blocks.
    func take(_ bytes: [UInt8]) {
        let held = state.withLock { state -> Bool in
            state.chunks.append(bytes)
            return !state.released
        }
        arrivals.yield()
        if held { gate.wait() }
    }

    /// Lets the handler go, once; `byGuard` marks a release by a test's guard against a hang.
    func release(byGuard: Bool = false) {
        let first = state.withLock { state -> Bool in
            guard !state.released else { return false }
            state.released = true
            state.releasedByGuard = byGuard
            return true
        }
        if first { gate.signal() }
    }

    var chunks: [[UInt8]] { state.withLock { $0.chunks } }

    var releasedByGuard: Bool { state.withLock { $0.releasedByGuard } }
}
