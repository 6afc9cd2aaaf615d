import CSystemd
import Foundation

/// Tells systemd about the service's state (sd_notify), for a `Type=notify` unit with a watchdog.
///
/// Every call is a no-op when the process was not started by systemd: sd_notify does nothing
/// when NOTIFY_SOCKET is unset, so callers need no "am I under systemd" check of their own.
public struct ServiceNotifier: Sendable {
    public init() {}

    /// Start-up is over; `status` is shown by `systemctl status`.
    public func ready(status: String? = nil) {
        send(["READY=1"] + (status.map { ["STATUS=" + Self.oneLine($0)] } ?? []))
    }

    public func status(_ text: String) {
        send(["STATUS=" + Self.oneLine(text)])
    }

    /// Still alive: must come more often than `WatchdogSec=` or systemd kills and restarts us.
    public func watchdog() {
        send(["WATCHDOG=1"])
    }

    public func stopping() {
        send(["STOPPING=1"])
    }

    /// How often to call `watchdog()`: half of the unit's `WatchdogSec=`, as sd_watchdog_enabled(3)
    /// advises, so one late ping does not get the service killed. Nil when there is no watchdog
    /// for this process (WATCHDOG_USEC unset, or WATCHDOG_PID naming another process).
    public var watchdogInterval: Duration? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 else { return nil }
        return .microseconds(Int64(clamping: microseconds / 2))
    }

    /// Errors are dropped on purpose: a lost notification must not stop the service, and
    /// systemd's watchdog or start timeout is what notices a notifier that stays silent.
    private func send(_ assignments: [String]) {
        _ = sd_notify(0, assignments.joined(separator: "\n"))
    }

    /// A newline would end the assignment and start a new one.
    private static func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ")
    }
}
