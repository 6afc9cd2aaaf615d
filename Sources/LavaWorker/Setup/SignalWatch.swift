import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Signals as calls on a queue (Dispatch sources), not code in a signal handler; used by
/// lava-worker (SIGCHLD, which UnixSignals does not offer) and lava-docker-worker.
public final class SignalWatch: Sendable {
    // DispatchSource is thread-safe but not marked Sendable.
    private nonisolated(unsafe) let sources: [any DispatchSourceSignal]

    /// `action` gets the signal's number. Every signal but SIGCHLD loses its default action (which
    /// would end the process before the source sees it); SIGCHLD keeps it, since SIG_IGN would
    /// reap children behind the program's back.
    public init(_ signals: [Int32], _ action: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "lava.signals")
        sources = signals.map { number in
            if number != SIGCHLD { signal(number, SIG_IGN) }
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { action(number) }
            source.resume()
            return source
        }
    }

    public func cancel() {
        sources.forEach { $0.cancel() }
    }
}
