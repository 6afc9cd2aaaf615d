import DockerEngine

/// What the machine asks the supervisor to do; each answer comes back as a `SupervisorEvent`.
public enum SupervisorAction: Sendable, Equatable {
    case pingEngine
    /// The monitor asks the server now rather than at its next check.
    case askServer
    case listContainers
    /// → `imageReady`, `imageMissing`, or `imageRefused` when the image has not `digest`.
    case getImage(version: String, digest: String? = nil)
    /// → `imageBuilt` (the base itself when there is nothing to customise) or `buildFailed`.
    case build(base: String)
    /// → `containerStarted` or `startFailed`.
    case start(version: String, image: String)
    /// Its output into the log until it exits → `containerExited`.
    case follow(WorkerContainer)
    case signal(id: String, WorkerSignal)
    case remove(id: String)
    /// After a kill cut a start short: this supervisor's containers of `version` (and its
    /// throwaway ones), removed whether or not the engine finished making them.
    case discardCreated(version: String)
    /// The image of a version the worker will need, pulled ahead while the current one works
    /// (`announced`: the server's next version) → `imagePulledAhead`, or `imageAheadRefused`
    /// when it has not `digest`; nothing when it cannot be pulled.
    case prefetch(version: String, digest: String? = nil, announced: Bool = false)
    /// The images of this worker's repository but these two and that of the `next` version,
    /// removed (after an upgrade).
    case removeOldImages(keeping: String, previous: String, next: String? = nil)
    /// → `retryTimerFired` after this long.
    case startRetryTimer(Duration)
    case report(SupervisorReport)
    /// The end (`stopped` or `failed` is the phase): what is still in flight is cancelled.
    case finish
}

public enum WorkerSignal: String, Sendable, Equatable {
    /// The worker finishes its jobs (--wait-jobs) and exits.
    case terminate = "TERM"
    case kill = "KILL"
}

/// What the supervisor says to the log and to systemd.
public enum SupervisorReport: Sendable, Equatable {
    /// The worker container runs (READY=1).
    case ready
    /// A line for the log and systemd's STATUS=.
    case status(String)
    /// The same as a warning.
    case warning(String)
    /// STOPPING=1.
    case stopping
    /// The server answered (WATCHDOG=1 under systemd).
    case serverContact
}
