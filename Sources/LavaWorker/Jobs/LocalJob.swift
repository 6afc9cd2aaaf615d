/// A job this worker runs, as it remembers it across restarts (a row of LAVA's `jobs` table,
/// spec §4.3).
public struct LocalJob: Sendable, Equatable {
    /// LAVA's numeric codes, kept so the table reads the same as LAVA's.
    public enum Status: Int, Sendable {
        case running = 0
        case canceling = 1
        /// lava-run has ended (or never started); FINISHED is owed to the server.
        case finished = 2
    }

    public var id: Int
    public var token: String
    /// lava-run's process id; 0 when it never started.
    public var pid: Int32
    public var status: Status
    /// When `status` last changed, whole seconds since 1970 (LAVA 2020.09's meaning; later LAVA
    /// stores a monotonic clock, which means nothing after a reboot).
    public var lastUpdate: Int
    /// The dispatcher configuration's `prefix`: the job's directories are `<prefix><id>`.
    public var prefix: String

    public init(id: Int, token: String, pid: Int32, status: Status, lastUpdate: Int, prefix: String = "") {
        self.id = id
        self.token = token
        self.pid = pid
        self.status = status
        self.lastUpdate = lastUpdate
        self.prefix = prefix
    }
}
