import ServiceLifecycle
import UnixSignals

/// The second SIGTERM or SIGINT. ServiceGroup stops listening after the first one (which starts
/// the graceful shutdown), so this service keeps a trap of its own and, on the next signal,
/// throws: the group is cancelled, and a draining worker is killed.
struct StopEscalation: Service {
    struct SecondSignal: Error {}

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        // Listed first in the group, so shut down last: it listens while the others drain.
        try await cancelWhenGracefulShutdown {
            // The first signal is the graceful shutdown's.
            if await signals.dropFirst().first(where: { _ in true }) != nil { throw SecondSignal() }
        }
    }
}
