import Synchronization

/// What the services of a lava-run session share: why the job is canceled, whether it has
/// ended and how, and how the log upload ended.
final class SessionState: Sendable {
    private struct Values {
        var cancelReason = JobError.canceled
        var jobEnded = false
        var failure: JobError?
        var uploadOutcome: LogUploader.Outcome?
    }

    private let values = Mutex(Values())

    var cancelReason: JobError {
        get { values.withLock { $0.cancelReason } }
        set { values.withLock { $0.cancelReason = newValue } }
    }

    var jobEnded: Bool { values.withLock { $0.jobEnded } }

    /// Why the job did not pass; nil when it passed (or has not ended).
    var failure: JobError? { values.withLock { $0.failure } }

    func jobEnded(_ failure: JobError?) {
        values.withLock {
            $0.failure = failure
            $0.jobEnded = true
        }
    }

    var uploadOutcome: LogUploader.Outcome? {
        get { values.withLock { $0.uploadOutcome } }
        set { values.withLock { $0.uploadOutcome = newValue } }
    }
}
