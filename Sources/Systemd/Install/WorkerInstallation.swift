import Foundation

/// `lava-docker-worker install|uninstall`: puts the plan's files in place and has systemd run
/// the service, or takes them away again. Both may run any number of times.
public struct WorkerInstallation: Sendable {
    public static let unitName = "lava-docker-worker"

    /// Prefix for every file touched and for the "is systemd running" test: `/` on a real
    /// system, a temporary directory in tests.
    public var root: URL

    public init(root: URL = URL(fileURLWithPath: "/")) {
        self.root = root
    }

    /// Writes the files that differ from the plan, then enables and (re)starts the service if
    /// systemd runs; a service whose files changed is restarted so it reads them.
    public func apply(_ plan: InstallPlan) throws(InstallError) -> InstallReport {
        try requireRoot()
        let files = InstalledFiles(root: root)
        try files.makeDirectory((plan.paths.environmentFile as NSString).deletingLastPathComponent)
        try files.makeDirectory((plan.paths.unitFile as NSString).deletingLastPathComponent)
        try files.makeDirectory(plan.paths.workerDirectory, mode: 0o700)
        var written: [String] = []
        for file in plan.files {
            if try files.install(file) { written.append(file.path) }
        }

        let systemctl = Systemctl(root: root)
        guard systemctl.isRunning else {
            return InstallReport(written: written, started: false, startCommand: plan.startCommand)
        }
        if written.isEmpty {
            try systemctl.run(["enable", "--now", Self.unitName])
        } else {
            try systemctl.run(["daemon-reload"])
            try systemctl.run(["enable", Self.unitName])
            try systemctl.run(["restart", Self.unitName])
        }
        return InstallReport(written: written, started: true, startCommand: plan.startCommand)
    }

    /// Stops and disables the service, then removes the unit, the environment file and the
    /// token file; the rest of the worker directory (job database, build files) stays.
    public func undo(paths: InstallPaths = InstallPaths()) throws(InstallError) -> UninstallReport {
        try requireRoot()
        let files = InstalledFiles(root: root)
        let systemctl = Systemctl(root: root)
        // Without the unit, `disable` fails: nothing to stop then.
        if systemctl.isRunning, files.exists(paths.unitFile) {
            try systemctl.run(["disable", "--now", Self.unitName])
        }
        var removed: [String] = []
        for path in [paths.unitFile, paths.environmentFile, paths.tokenFile] {
            if try files.remove(path) { removed.append(path) }
        }
        if systemctl.isRunning, removed.contains(paths.unitFile) {
            try systemctl.run(["daemon-reload"])
        }
        return UninstallReport(removed: removed)
    }

    /// Only the real system needs root; a staging root belongs to whoever runs the installer.
    private func requireRoot() throws(InstallError) {
        if root.standardizedFileURL.path == "/", geteuid() != 0 {
            throw .notRoot
        }
    }
}
