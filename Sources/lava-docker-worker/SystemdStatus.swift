import DockerWorker
import Systemd

/// The supervisor's status for systemd (Type=notify): READY=1 once the worker container runs,
/// STATUS= with what it is doing, STOPPING=1. Without NOTIFY_SOCKET every call does nothing.
struct SystemdStatus: SupervisorStatus {
    let notifier = ServiceNotifier()

    func ready() { notifier.ready() }
    func status(_ text: String) { notifier.status(text) }
    // The watchdog has its own task (ServerWatchdog), so a long pull does not starve it.
    func alive() {}
    func stopping() { notifier.stopping() }
}
