import LavaCore

/// What a ping told the worker (spec §2.2, client reaction).
public enum PingOutcome: Sendable, Equatable {
    /// 200: the jobs to start, cancel and keep running. An unparsable body reads as no jobs.
    case jobs(PingResponse)
    /// 409: this worker's version is not the server's; the text is the server's.
    case versionMismatch(String)
    /// Anything else: skip this round.
    case failed(WorkerAPIError)
}

/// What the server said to a log batch (spec §5.2).
public enum LogUploadOutcome: Sendable, Equatable {
    /// 200: this many records of the batch are stored (duplicates of a resend included).
    case stored(lineCount: Int)
    /// 413: send fewer lines at a time.
    case tooLarge
    /// 404 `Unknown job '<id>'`: the job was deleted; stop it.
    case unknownJob
    case failed(WorkerAPIError)
}

/// The end of a job as the worker reports it (`state=FINISHED`, spec §2.4, §4.3).
public struct FinishedReport: Sendable, Equatable {
    public var passed: Bool
    public var errorType: String
    /// lava-run's standard error.
    public var errors: String
    /// lava-run's `description.yaml`.
    public var description: String

    public init(passed: Bool, errorType: String = "", errors: String = "", description: String = "") {
        self.passed = passed
        self.errorType = errorType
        self.errors = errors
        self.description = description
    }
}
