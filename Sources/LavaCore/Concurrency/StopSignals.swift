import ServiceLifecycle
import Synchronization
import UnixSignals

/// SIGTERM and SIGINT for a service group, each answered by `respond`: shut the group down
/// gracefully, escalate (this service throws `StopSignals.Escalated`, so that the group cancels
/// every service), or nothing more. lava-worker and lava-docker-worker shut down at the first
/// signal and escalate at the second (stop now); lava-run asks its `StopRule`.
///
/// One watcher sees every signal in order. (With the group's own `gracefulShutdownSignals`, the
/// group stops watching after the first, and a second watcher cannot tell whether a signal is
/// the one that started the shutdown.) It must come first in the group: services are shut down
/// in reverse order, so it is the last one told to stop and hears signals to the end.
public final class StopSignals: Service {
    public enum Response: Sendable {
        case shutDownGracefully
        case escalate
        /// `respond` has done what the signal asks.
        case none
    }

    public struct Escalated: Error, Sendable, CustomStringConvertible {
        public let signal: UnixSignal

        public var description: String { "\(signal) during the shutdown: stopping now" }
    }

    private let signals: UnixSignalsSequence
    private let respond: @Sendable (_ signalsSoFar: Int) -> Response
    private let group = Mutex<ServiceGroup?>(nil)

    /// Watches SIGTERM and SIGINT from now on: a signal that comes before the group runs is
    /// handled once it does. `respond` is asked at each signal, with the number of signals so
    /// far (this one included).
    public init(respond: @escaping @Sendable (_ signalsSoFar: Int) -> Response) async {
        signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        self.respond = respond
    }

    /// The first signal shuts the group down gracefully, the second escalates.
    public static func secondStopsNow(_ signalsSoFar: Int) -> Response {
        signalsSoFar >= 2 ? .escalate : .shutDownGracefully
    }

    /// The group this service is in, to shut down; set before it runs.
    public func stops(_ group: ServiceGroup) {
        self.group.withLock { $0 = group }
    }

    public func run() async throws {
        var count = 0
        for await signal in signals.cancelOnGracefulShutdown() {
            count += 1
            switch respond(count) {
            case .shutDownGracefully: await group.withLock { $0 }?.triggerGracefulShutdown()
            case .escalate: throw Escalated(signal: signal)
            case .none: break
            }
        }
    }
}
