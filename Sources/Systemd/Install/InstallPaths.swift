/// Where the installation puts its files, as seen on the installed system (the installer's
/// `root` prefix is not part of them: they are written into the unit and environment file).
public struct InstallPaths: Sendable, Equatable {
    /// NAME of lava-docker-worker@NAME, one of several supervisors on the host; nil for the
    /// host's one lava-docker-worker.
    public var instance: String?
    public var environmentFile: String
    public var workerDirectory: String
    public var unitFile: String
    /// The lava-docker-worker binary the unit runs; the installer does not copy it there.
    public var binary: String

    /// An instance's defaults are its own environment file (where LAVA's template unit reads
    /// it) and worker directory, and the template unit, which all instances share.
    public init(
        instance: String? = nil,
        environmentFile: String? = nil,
        workerDirectory: String? = nil,
        unitFile: String? = nil,
        binary: String = "/usr/local/bin/lava-docker-worker"
    ) {
        self.instance = instance
        self.environmentFile = environmentFile ?? "/etc/lava-dispatcher-host/" + (instance.map { "\($0).conf" } ?? "lava-docker-worker")
        self.workerDirectory = workerDirectory ?? "/var/lib/lava/dispatcher/docker-worker" + (instance.map { "/\($0)" } ?? "")
        self.unitFile = unitFile ?? "/etc/systemd/system/lava-docker-worker\(instance == nil ? "" : "@").service"
        self.binary = binary
    }

    /// The unit systemctl starts and stops.
    public var service: String {
        "lava-docker-worker" + (instance.map { "@\($0)" } ?? "")
    }

    /// Always in the worker directory: lava-docker-worker bind-mounts that directory into the
    /// worker container at the same path, so `--token-file` names a file the inner worker sees.
    public var tokenFile: String { workerDirectory + "/token" }
}
