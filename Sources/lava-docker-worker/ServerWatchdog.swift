import LavaClient
import LavaWorker
import Systemd

/// WATCHDOG=1 to systemd at half the unit's WatchdogSec, but only while the server answers: a
/// supervisor that cannot reach its server is restarted by systemd (and adopts its container).
/// Its own task, so a long image pull in the main loop does not starve it.
struct ServerWatchdog {
    let client: LavaServerClient
    let notifier = ServiceNotifier()

    func run() async {
        guard let interval = notifier.watchdogInterval else { return }
        while !Task.isCancelled {
            if (try? await client.serverVersion()) != nil { notifier.watchdog() }
            try? await Task.sleep(for: interval)
        }
    }
}
