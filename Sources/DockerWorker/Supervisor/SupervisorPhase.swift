import LavaCore

/// What the supervisor is doing: one value, changed only by `SupervisorMachine.handle(_:)`.
public enum SupervisorPhase: Sendable, Equatable {
    /// The Docker engine is asked whether it answers.
    case checkingEngine
    /// Waiting for the server's version (the monitor asks now, then backs off while it is down).
    case askingVersion
    /// The server's version is known; the containers this supervisor left are listed.
    case inspecting(VersionResponse)
    /// The worker image of `version`: used if present, pulled otherwise.
    case gettingImage(version: String)
    /// The image customised from `--build-dir` (a no-op without a Dockerfile there).
    case building(version: String, base: String)
    /// The worker container is being created and started.
    case starting(version: String, image: String)
    /// The worker container runs a version the server accepts.
    case running(WorkerContainer)
    /// A container of a version the server no longer accepts has SIGTERM: it finishes its jobs
    /// and exits (`--wait-jobs`); the server's version starts after.
    case draining(WorkerContainer, next: String)
    /// After a failure: the pause, then the server's version is asked again.
    case pausing(reason: String)
    /// A stop was asked for: the container (if any) has SIGTERM and finishes its jobs.
    case stopping(WorkerContainer?)
    case stopped
    case failed(SupervisorError)

    /// For logs, status and metrics: one word per case.
    public var name: String {
        switch self {
        case .checkingEngine: "checking-engine"
        case .askingVersion: "asking-version"
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

    public static let names = ["checking-engine", "asking-version", "inspecting", "getting-image", "building", "starting",
                               "running", "draining", "pausing", "stopping", "stopped", "failed"]
}
