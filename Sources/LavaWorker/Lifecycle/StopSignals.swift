import ServiceLifecycle
import Synchronization
import UnixSignals

/// SIGTERM and SIGINT for a service group: the first shuts the group down gracefully, and a
/// signal for which `escalates` says so makes this service throw `StopSignals.Escalated`, so
/// that the group cancels every service. lava-worker escalates at the second signal (stop now,
/// even with `--wait-jobs`); lava-run at a signal once its job has ended (stop the log upload).
///
/// One watcher sees every signal in order. (With the group's own `gracefulShutdownSignals`, the
/// group stops watching after the first, and a second watcher cannot tell whether a signal is
/// the one that started the shutdown.) It must come first in the group: services are shut down
/// in reverse order, so it is the last one told to stop and hears signals to the end.
public final class StopSignals: Service {
    public struct Escalated: Error, Sendable, CustomStringConvertible {
        public let signal: UnixSignal

        public var description: String { "\(signal) during the shutdown: stopping now" }
    }

    private let signals: UnixSignalsSequence
    private let escalates: @Sendable (_ signalsSoFar: Int) -> Bool
    private let group = Mutex<ServiceGroup?>(nil)

    /// Watches SIGTERM and SIGINT from now on: a signal that comes before the group runs is
    /// handled once it does. `escalates` is asked at each signal, with the number of signals so
    /// far (this one included).
    public init(escalates: @escaping @Sendable (_ signalsSoFar: Int) -> Bool) async {
        signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        self.escalates = escalates
    }

    /// The group this service is in, to shut down at the first signal; set before it runs.
    public func stops(_ group: ServiceGroup) {
        self.group.withLock { $0 = group }
    }

    public func run() async throws {
        var count = 0
        for await signal in signals.cancelOnGracefulShutdown() {
            count += 1
            if escalates(count) { throw Escalated(signal: signal) }
            if count == 1 { await group.withLock { $0 }?.triggerGracefulShutdown() }
        }
    }
}
