import Synchronization

/// What the services of a lava-run session share: where the session is in its `StopRule`, why
/// the job is canceled, how it ended, and how the log upload ended.
final class SessionState: Sendable {
    private struct Values {
        var stop = StopRule()
        var cancelReason = JobError.canceled
        var failure: JobError?
        var uploadOutcome: LogUploader.Outcome?
    }

    private let values = Mutex(Values())

    /// Feeds `event` to the stop rule; what the session must do about it.
    func handle(_ event: StopRule.Event) -> StopRule.Action {
        values.withLock { $0.stop.handle(event) }
    }

    var cancelReason: JobError { values.withLock { $0.cancelReason } }

    var jobEnded: Bool { values.withLock { $0.stop.state == .ended } }

    /// Why the job did not pass; nil when it passed (or has not ended).
    var failure: JobError? { values.withLock { $0.failure } }

    func jobEnded(_ failure: JobError?) {
        values.withLock {
            $0.failure = failure
            _ = $0.stop.handle(.jobEnded)
        }
    }

    var uploadOutcome: LogUploader.Outcome? { values.withLock { $0.uploadOutcome } }

    func uploadEnded(_ outcome: LogUploader.Outcome) {
        values.withLock {
            $0.uploadOutcome = outcome
            if outcome == .jobDeleted {
                $0.cancelReason = .deleted
                _ = $0.stop.handle(.serverForgotJob)
            }
        }
    }
}
