import Foundation

/// `lava-docker-worker install|uninstall`: puts the plan's files in place and has systemd run
/// the service, or takes them away again. Both may run any number of times.
public struct WorkerInstallation: Sendable {
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
        let service = plan.paths.service
        guard systemctl.isRunning else {
            return InstallReport(service: service, written: written, started: false, startCommand: plan.startCommand)
        }
        if written.isEmpty {
            try systemctl.run(["enable", "--now", service])
        } else {
            try systemctl.run(["daemon-reload"])
            try systemctl.run(["enable", service])
            try systemctl.run(["restart", service])
        }
        return InstallReport(service: service, written: written, started: true, startCommand: plan.startCommand)
    }

    /// Stops and disables the service, then removes the unit, the environment file and the
    /// token file; the rest of the worker directory (job database, build files) stays, and so
    /// does an instance's template unit, which the other instances share.
    public func undo(paths: InstallPaths = InstallPaths()) throws(InstallError) -> UninstallReport {
        // The instance name makes the paths to remove.
        if let instance = paths.instance, !InstallPlan.isInstanceName(instance) { throw .invalidInstance(instance) }
        try requireRoot()
        let files = InstalledFiles(root: root)
        let systemctl = Systemctl(root: root)
        // Without the unit, `disable` fails: nothing to stop then.
        if systemctl.isRunning, files.exists(paths.unitFile) {
            try systemctl.run(["disable", "--now", paths.service])
        }
        var removed: [String] = []
        for path in (paths.instance == nil ? [paths.unitFile] : []) + [paths.environmentFile, paths.tokenFile] {
            if try files.remove(path) { removed.append(path) }
        }
        if systemctl.isRunning, removed.contains(paths.unitFile) {
            try systemctl.run(["daemon-reload"])
        }
        return UninstallReport(service: paths.service, removed: removed)
    }

    /// Only the real system needs root; a staging root belongs to whoever runs the installer.
    private func requireRoot() throws(InstallError) {
        if root.standardizedFileURL.path == "/", geteuid() != 0 {
            throw .notRoot
        }
    }
}
