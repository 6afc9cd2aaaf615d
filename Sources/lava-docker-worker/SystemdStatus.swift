import DockerWorker
import Systemd

/// The supervisor's status for systemd (Type=notify): READY=1 once the worker container runs,
/// STATUS= with what it is doing, STOPPING=1, and WATCHDOG=1 at each answer of the server, so
/// a supervisor cut off from its server is restarted by systemd (and adopts its container).
/// Without NOTIFY_SOCKET every call does nothing.
struct SystemdStatus: SupervisorStatus {
    let notifier = ServiceNotifier()

    func ready() { notifier.ready() }
    func status(_ text: String) { notifier.status(text) }
    func stopping() { notifier.stopping() }
    func serverContact() { if watchdogInterval != nil { notifier.watchdog() } }

    /// Half the unit's WatchdogSec=, nil without a watchdog.
    var watchdogInterval: Duration? { notifier.watchdogInterval }
}
