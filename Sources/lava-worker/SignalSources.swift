import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM and SIGINT ask the worker to stop; SIGCHLD says a lava-run ended. Dispatch sources
/// turn them into calls on a queue instead of code in a signal handler.
final class SignalSources {
    private let sources: [any DispatchSourceSignal]

    init(stop: @escaping @Sendable () -> Void, childExited: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "lava-worker.signals")
        var sources: [any DispatchSourceSignal] = []
        for (number, action) in [(SIGTERM, stop), (SIGINT, stop), (SIGCHLD, childExited)] {
            // The default action must go, or SIGTERM would end the process before the source sees it.
            // SIGCHLD keeps its default (ignored, but still delivered): SIG_IGN would reap children
            // behind the worker's back.
            if number != SIGCHLD { signal(number, SIG_IGN) }
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler(handler: action)
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    func cancel() {
        sources.forEach { $0.cancel() }
    }
}
