import LavaCore

/// What the supervisor is doing: one value, changed only by `SupervisorMachine.handle(_:)`.
/// What holds only during one phase (the worker a mismatch came from, whether the server answers
/// while a worker runs, the containers still draining) is in that phase's case.
public enum SupervisorPhase: Sendable, Equatable {
    /// The Docker engine is asked whether it answers.
    case checkingEngine
    /// Waiting for the server's version (the monitor asks now, then backs off while it is down).
    case askingVersion
    /// A worker exited for a version mismatch (75): the server's version tells a real upgrade
    /// from an image whose lava-worker is not the version of its tag.
    case confirmingUpgrade(from: WorkerContainer)
    /// The server's version is known; the containers this supervisor left are listed.
    case inspecting(VersionResponse)
    /// The worker image of `version`: used if present, pulled otherwise.
    case gettingImage(version: String)
    /// The image customised from `--build-dir` (a no-op without a Dockerfile there).
    case building(version: String, base: String)
    /// The worker container is being created and started.
    case starting(version: String, image: String)
    /// The worker container runs a version the server accepts; `serverUnreachable` while the
    /// server does not answer (said in the status until it does).
    case running(WorkerContainer, serverUnreachable: Bool = false)
    /// Containers of versions the server no longer accepts, or more than one left running, have
    /// SIGTERM: they finish their jobs and exit (`--wait-jobs`); the server's version starts once
    /// all have.
    case draining([WorkerContainer], next: String)
    /// After a failure: the pause, then the server's version is asked again.
    case pausing(reason: String)
    /// A stop was asked for: the containers have SIGTERM and finish their jobs; `awaiting`, what
    /// must be heard before every container to stop is known.
    case stopping([WorkerContainer], awaiting: StopWait? = nil)
    case stopped
    case failed(SupervisorError)

    /// For logs, status and metrics: one word per case.
    public var name: String {
        switch self {
        case .checkingEngine: "checking-engine"
        case .askingVersion: "asking-version"
        case .confirmingUpgrade: "confirming-upgrade"
        case .inspecting: "inspecting"
        case .gettingImage: "getting-image"
        case .building: "building"
        case .starting: "starting"
        case .running: "running"
        case .draining: "draining"
        case .pausing: "pausing"
        case .stopping: "stopping"
        case .stopped: "stopped"
        case .failed: "failed"
        }
    }

    public static let names = ["checking-engine", "asking-version", "confirming-upgrade", "inspecting", "getting-image", "building",
                               "starting", "running", "draining", "pausing", "stopping", "stopped", "failed"]
}

/// What a stop waits to hear before it knows every worker container to stop.
public enum StopWait: Sendable, Equatable {
    /// The container of this version is being created: it gets SIGTERM once it exists.
    case creation(version: String)
    /// This supervisor's containers are being listed: the running ones get SIGTERM.
    case containerList
}
