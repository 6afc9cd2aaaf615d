import Foundation

/// What `lava-docker-worker` was told (spec §8.1, plus `--image`, `--docker-socket` and the
/// timings of what LAVA does not do).
public struct SupervisorSettings: Sendable {
    public var url: String
    /// The worker's name on the server.
    public var name: String
    /// The container's hostname is `docker-<hostName>`: the host's FQDN without `--name` (as
    /// LAVA), the kernel's host name with it (no lookup).
    public var hostName: String
    /// Absolute; mounted at the same path, so the token file and the job files mean the same
    /// inside and outside.
    public var workerDirectory: String
    /// Where the token is kept on the host; inside the worker directory unless `--token-file`.
    public var tokenFile: String
    public var buildDirectory: String
    public var useCache = false
    public var mounts: [WorkerMount] = []
    public var pingInterval = 20
    public var jobLogInterval = 5
    public var httpTimeout = 600
    /// `--level`, forwarded when the image's worker accepts it.
    public var level: String?
    public var wsURL: String?
    /// `--seccomp` for the worker: default, off, or a file, mounted read-only at its own path.
    public var seccomp = "default"
    public var image = ImageName()
    public var dockerSocket = "/var/run/docker.sock"
    /// How often the server's version is asked while the worker runs, to pre-pull a new image.
    public var versionCheckInterval: Duration = .seconds(60)
    /// After SIGTERM, how long the worker may drain before it is killed; nil waits for it (LAVA).
    public var stopTimeout: Duration?
    /// Pause after a failure before trying again; doubles up to `maximumRetryPause`.
    public var retryPause: Duration = .seconds(5)
    public var maximumRetryPause: Duration = .seconds(300)

    public init(url: String, name: String, hostName: String, workerDirectory: String, tokenFile: String? = nil,
                buildDirectory: String = "/etc/lava-dispatcher-host/build") {
        self.url = url
        self.name = name
        self.hostName = hostName
        self.workerDirectory = workerDirectory
        self.tokenFile = tokenFile ?? URL(fileURLWithPath: workerDirectory).appendingPathComponent("token").path
        self.buildDirectory = buildDirectory
    }
}
