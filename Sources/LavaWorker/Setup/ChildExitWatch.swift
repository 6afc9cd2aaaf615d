import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// SIGCHLD as calls on a queue (a Dispatch source), not code in a signal handler: lava-worker
/// reaps its lava-run processes when one ends. UnixSignals, which the stop signals use, does not
/// offer SIGCHLD.
public final class ChildExitWatch: Sendable {
    // DispatchSource is thread-safe but not marked Sendable.
    private nonisolated(unsafe) let source: any DispatchSourceSignal

    /// SIGCHLD keeps its default action: SIG_IGN would reap children behind the program's back.
    public init(_ action: @escaping @Sendable () -> Void) {
        source = DispatchSource.makeSignalSource(signal: SIGCHLD, queue: DispatchQueue(label: "lava.child-exits"))
        source.setEventHandler { action() }
        source.resume()
    }

    public func cancel() {
        source.cancel()
    }
}
