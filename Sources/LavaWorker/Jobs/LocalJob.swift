/// A job this worker runs, as it remembers it across restarts (LAVA's `jobs` table, spec §4.3).
public struct LocalJob: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case running
        case canceling
        /// lava-run has ended (or never started); FINISHED is owed to the server.
        case finished
    }

    public var id: Int
    public var token: String
    /// lava-run's process id; 0 when it never started.
    public var pid: Int32
    public var status: Status
    /// When `status` last changed, seconds since 1970.
    public var lastUpdate: Double

    public init(id: Int, token: String, pid: Int32, status: Status, lastUpdate: Double) {
        self.id = id
        self.token = token
        self.pid = pid
        self.status = status
        self.lastUpdate = lastUpdate
    }
}
