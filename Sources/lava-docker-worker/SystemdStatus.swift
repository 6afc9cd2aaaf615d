import DockerWorker
import Systemd

/// The supervisor's status for systemd (Type=notify): READY=1 once the worker container runs,
/// STATUS= with what it is doing, STOPPING=1. Without NOTIFY_SOCKET every call does nothing.
/// WATCHDOG=1 has a task of its own (ServerWatchdog), so a long pull does not starve it.
struct SystemdStatus: SupervisorStatus {
    let notifier = ServiceNotifier()

    func ready() { notifier.ready() }
    func status(_ text: String) { notifier.status(text) }
    func stopping() { notifier.stopping() }
}
