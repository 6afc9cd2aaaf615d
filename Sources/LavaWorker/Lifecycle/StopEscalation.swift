import ServiceLifecycle
import UnixSignals

/// SIGTERM and SIGINT beyond what the service group makes of them (a graceful shutdown at the
/// first): when `escalates` says so, this service throws `StopEscalation.Escalated` and the
/// group cancels every service. lava-worker escalates at the second signal (stop now, even with
/// `--wait-jobs`); lava-run at a signal once its job has ended (stop the log upload).
///
/// It must come first in the group: services are shut down in reverse order, so it is the last
/// one told to stop and hears signals until the others are done. It watches the same signals
/// as the group, each a separate Dispatch source; both see every signal.
public struct StopEscalation: Service {
    public struct Escalated: Error, Sendable, CustomStringConvertible {
        public let signal: UnixSignal

        public var description: String { "\(signal) during the shutdown: stopping now" }
    }

    private let escalates: @Sendable (_ signalsSoFar: Int) -> Bool

    /// `escalates` is asked at each signal, with the number of signals so far (this one included).
    public init(escalates: @escaping @Sendable (_ signalsSoFar: Int) -> Bool) {
        self.escalates = escalates
    }

    /// The signals the group turns into a graceful shutdown, and this service watches.
    public static let signals: [UnixSignal] = [.sigterm, .sigint]

    public func run() async throws {
        var count = 0
        for await signal in await UnixSignalsSequence(trapping: Self.signals).cancelOnGracefulShutdown() {
            count += 1
            if escalates(count) { throw Escalated(signal: signal) }
        }
    }
}
