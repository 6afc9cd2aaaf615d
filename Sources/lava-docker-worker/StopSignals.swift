import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM and SIGINT as calls on a queue (a Dispatch source), not code in a signal handler.
final class StopSignals {
    private let sources: [any DispatchSourceSignal]

    init(_ stop: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "lava-docker-worker.signals")
        sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler(handler: stop)
            source.resume()
            return source
        }
    }

    func cancel() {
        sources.forEach { $0.cancel() }
    }
}
