import Foundation

/// What lava-worker was told on its command line (spec §3.1), in the loop's terms.
public struct WorkerSettings: Sendable {
    public var name: String
    public var workerDirectory: URL
    public var pingInterval: Duration
    /// Seconds; passed to lava-run as `--job-log-interval`.
    public var jobLogInterval: Int
    public var exitOnVersionMismatch: Bool
    public var waitJobs: Bool
    /// lava-run gets `--debug` and writes to the worker's own output.
    public var debug: Bool
    /// The lava-run executable.
    public var lavaRun: String
    /// A CA bundle to trust for the server instead of the system's; passed on to lava-run.
    public var caFile: String?
    /// `--seccomp`, passed on to lava-run for the device containers.
    public var seccomp: String?
    /// A canceled lava-run gets a second SIGTERM after this, and its process group SIGKILL
    /// after `cancelKillAfter` (LAVA: 60 s and 120 s).
    public var cancelRepeatAfter: Int = 60
    public var cancelKillAfter: Int = 120

    public init(name: String, workerDirectory: URL, pingInterval: Duration = .seconds(20), jobLogInterval: Int = 5,
                exitOnVersionMismatch: Bool = false, waitJobs: Bool = false, debug: Bool = false, lavaRun: String, caFile: String? = nil) {
        self.name = name
        self.workerDirectory = workerDirectory
        self.pingInterval = pingInterval
        self.jobLogInterval = jobLogInterval
        self.exitOnVersionMismatch = exitOnVersionMismatch
        self.waitJobs = waitJobs
        self.debug = debug
        self.lavaRun = lavaRun
        self.caFile = caFile
    }
}
