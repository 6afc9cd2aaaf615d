import DockerEngine
import LavaCore

/// What happened, as the supervisor's machine hears it: answers to its actions, the version
/// monitor's news, a stop request, a timer. Answers to the actions of an earlier phase are
/// ignored, so nothing in flight needs cancelling but at the end.
public enum SupervisorEvent: Sendable, Equatable {
    case engineAnswered
    case engineFailed(DockerError)
    case serverAnswered(VersionResponse)
    /// The server does not answer; the monitor tries again at `nextTry` (for the status).
    case serverUnreachable(since: String, failures: Int, nextTry: Duration)
    /// The server answers, but not as LAVA does (no version): `--url` is wrong.
    case serverNotLAVA(url: String)
    /// This supervisor's containers (its label), running or not.
    case containersFound([WorkerContainer])
    case imageReady(String)
    case imageMissing(version: String, reason: String)
    /// The image of the version is here, but not with the digest the server expects.
    case imageRefused(ImageRefusal)
    /// The image of a version pulled ahead is here (with the digest the server expects, if any).
    case imagePulledAhead(version: String)
    /// The image of a version pulled ahead has not the digest the server expects.
    case imageAheadRefused(ImageRefusal)
    case imageBuilt(String)
    case buildFailed(String)
    case containerStarted(WorkerContainer)
    case startFailed(SupervisorError)
    /// What no retry mends (no image name for this machine, say): the supervisor fails.
    case unusable(SupervisorError)
    /// The container's process ended with this status (`WorkerExit` when it is lava-worker's own).
    case containerExited(id: String, status: Int32)
    /// Graceful shutdown (the first SIGTERM or SIGINT).
    case stopRequested
    /// Cancellation (a second SIGTERM, or `--stop-timeout` over).
    case killRequested
    /// The pause after a failure is over.
    case retryTimerFired
}
