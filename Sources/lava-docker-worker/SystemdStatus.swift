import Dispatch
import DockerWorker
import Systemd

/// The supervisor's status for systemd (Type=notify): READY=1 once the worker container runs,
/// STATUS= with what it is doing, STOPPING=1, and WATCHDOG=1 at each answer of the server, so
/// a supervisor cut off from its server is restarted by systemd (and adopts its container).
/// Without NOTIFY_SOCKET every call does nothing.
///
/// Sent in order from a queue of their own: sd_notify blocks while the receiver's queue is
/// full (net.unix.max_dgram_qlen, 10 by default), and the supervisor's loop must not wait on it.
struct SystemdStatus: SupervisorStatus {
    let notifier = ServiceNotifier()
    private let queue = DispatchQueue(label: "lava.systemd.notify")

    func ready() { send { $0.ready() } }
    func status(_ text: String) { send { $0.status(text) } }
    func stopping() { send { $0.stopping() } }
    func serverContact() { if watchdogInterval != nil { send { $0.watchdog() } } }

    /// Half the unit's WatchdogSec=, nil without a watchdog; read once (the environment is the process's).
    let watchdogInterval: Duration?

    init() {
        watchdogInterval = notifier.watchdogInterval
    }

    private func send(_ message: @escaping @Sendable (ServiceNotifier) -> Void) {
        queue.async { [notifier] in message(notifier) }
    }
}
