import Foundation

/// Everything `lava-server serve` and `lava-server scheduler` are told from outside.
public struct ServerConfiguration: Sendable {
    /// Holds the SQLite file of the embedded default and the job logs.
    public var dataDirectory: URL
    public var database: DatabaseLocation
    /// LAVA's `/etc/lava-server`: `dispatcher.d/<worker>/…`, `env.yaml`, `env-dut.yaml`.
    public var configDirectory: URL
    /// Where device-type templates (`<type>.jinja2`) are looked up, in order.
    public var deviceTypeDirectories: [URL]
    /// The version this server reports and enforces.
    public var version: String
    /// LAVA's `WORKER_AUTO_REGISTER`.
    public var workerAutoRegister = true
    /// LAVA's `WORKER_AUTO_REGISTER_NETMASK`: anonymous registration only from these networks.
    public var autoRegisterNetworks: [IPNetwork] = [IPNetwork.loopbackV4, IPNetwork.loopbackV6]
    /// Proxies whose `X-Forwarded-For` is believed (LAVA believes anyone's); none by default.
    public var trustedProxies: [IPNetwork] = []
    /// Django's default request limit, which LAVA keeps for log uploads (spec §2.5).
    public var maxLogUploadBytes = 2_621_440
    /// A worker without an accepted ping for this long is Offline (spec §3.3).
    public var offlineAfter: Double = 60
    /// A job whose worker has not been heard of for this long ends Incomplete.
    public var offlineJobGrace: Double = 300
    /// A job running this much past its own timeout ends Incomplete (lava-run enforces the
    /// timeout itself; this margin leaves it time to report).
    public var jobTimeoutMargin: Double = 120
    /// The first part of every event's topic (LAVA's `EVENT_TOPIC`).
    public var eventTopic = "org.lavasoftware"
    /// Events a `/ws/` listener may fall behind by before it is dropped.
    public var eventQueueLimit = 256
    /// The web pages' `templates/` and `static/` (server/ in the source tree); nil serves no pages.
    public var webDirectory: URL? = WebFiles.defaultDirectory()
    /// Pause between scheduler passes.
    public var schedulerInterval: Double = 2
    /// Where the logs of new jobs are kept: `logStoreDefault` unless `--log-store` says.
    public var logStore: LogStoreKind
    /// The store chosen when none is named, and why.
    public var logStoreDefault: LogStoreDefault { LogStoreDefault(database: database, dataDirectory: dataDirectory) }

    public init(dataDirectory: URL, database: DatabaseLocation? = nil, configDirectory: URL, version: String) {
        self.dataDirectory = dataDirectory
        self.database = database ?? .defaultLocation(dataDirectory: dataDirectory.path)
        self.configDirectory = configDirectory
        self.deviceTypeDirectories = DeviceTemplates.defaultDirectories(configDirectory: configDirectory)
        self.version = version
        logStore = LogStoreDefault(database: self.database, dataDirectory: dataDirectory).kind
    }
}
