/// Where the installation puts its files, as seen on the installed system (the installer's
/// `root` prefix is not part of them: they are written into the unit and environment file).
public struct InstallPaths: Sendable, Equatable {
    public var environmentFile: String
    public var workerDirectory: String
    public var unitFile: String
    /// The lava-docker-worker binary the unit runs; the installer does not copy it there.
    public var binary: String

    public init(
        environmentFile: String = "/etc/lava-dispatcher-host/lava-docker-worker",
        workerDirectory: String = "/var/lib/lava/dispatcher/docker-worker",
        unitFile: String = "/etc/systemd/system/lava-docker-worker.service",
        binary: String = "/usr/local/bin/lava-docker-worker"
    ) {
        self.environmentFile = environmentFile
        self.workerDirectory = workerDirectory
        self.unitFile = unitFile
        self.binary = binary
    }

    /// Always in the worker directory: lava-docker-worker bind-mounts that directory into the
    /// worker container at the same path, so `--token-file` names a file the inner worker sees.
    public var tokenFile: String { workerDirectory + "/token" }
}
