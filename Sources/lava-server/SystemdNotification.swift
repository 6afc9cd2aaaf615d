import ServiceLifecycle
import Systemd

/// Tells systemd, when it runs us as a `Type=notify` unit, that shutdown has begun (STOPPING=1)
/// and, unless the program says it elsewhere, that start-up is over (READY=1). Without
/// NOTIFY_SOCKET nothing is sent.
///
/// Meant as the last service of its group: a ServiceGroup shuts its services down last first,
/// so STOPPING=1 goes out as soon as the shutdown starts, before the others stop.
struct SystemdNotification: Service {
    /// Sent with READY=1 when the group starts; nil when READY=1 comes from elsewhere (serve
    /// sends it once its port is bound).
    let readyStatus: String?

    func run() async throws {
        let notifier = ServiceNotifier()
        if let readyStatus { notifier.ready(status: readyStatus) }
        // Throws only when the group is cancelled, which ends the process all the same.
        try? await gracefulShutdown()
        notifier.stopping()
    }
}
