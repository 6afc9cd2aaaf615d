/// What `install` did, and the lines to tell the user.
public struct InstallReport: Sendable, Equatable {
    /// The unit, lava-docker-worker or lava-docker-worker@NAME.
    public var service: String
    /// Files rewritten, by their installed path; empty when everything was already in place.
    public var written: [String]
    /// Whether systemctl enabled and started the service; false when systemd is not running.
    public var started: Bool
    /// What the service runs, to start it by hand where systemd is not running.
    public var startCommand: [String]

    public var messages: [String] {
        var lines = written.isEmpty ? ["\(service) is already installed"] : written.map { "wrote \($0)" }
        if started {
            lines.append("\(service) is running: systemctl status \(service), journalctl -u \(service)")
        } else {
            lines.append("systemd is not running: start it by hand with: \(UnitCommandLine.shellLine(startCommand))")
        }
        return lines
    }
}

/// What `uninstall` removed, and the lines to tell the user.
public struct UninstallReport: Sendable, Equatable {
    public var service: String
    /// Files removed, by their installed path; empty when nothing was installed.
    public var removed: [String]

    public var messages: [String] {
        removed.isEmpty ? ["\(service) is not installed: nothing to remove"] : removed.map { "removed \($0)" }
    }
}
