import ServiceLifecycle

/// The job of a lava-run session. The group's graceful shutdown (SIGTERM, SIGINT, or the
/// server forgetting the job) cancels it; a second signal cuts the cancellation's cleanup short,
/// leaving only the removal of the device-under-test container. Either way it ends by writing
/// result.yaml and closing the log, so that the upload sends the last lines and ends.
struct JobService: Service {
    let session: SessionState
    let files: JobOutputFiles
    let log: JobLog
    let uploader: LogUploader?
    let ending: JobEnding
    /// Runs the job; nil when it passed.
    let job: @Sendable () async -> JobError?
    /// What a cleanup cut short must still do: remove the device-under-test container, logging
    /// to the given (sealed) log's tail.
    let removeDevice: @Sendable (JobLog) async -> Void

    func run() async {
        let start = ContinuousClock.now
        let failure: JobError?
        switch await ending.first({ await cancelWhenGracefulShutdown(job) }) {
        case .ended(let ended):
            failure = ended
        case .cutShort:
            failure = await endCutShort(.canceledAgain, start: start)
        case .abandoned:
            failure = await endCutShort(session.cancelReason, start: start)
        }
        session.jobEnded(failure)
        files.writeResult(failure)
        uploader?.close()
    }

    /// The body is no longer waited for, but may still log once the engine lets it go: the log is
    /// sealed first, so that this end stays the last record.
    private func endCutShort(_ failure: JobError, start: ContinuousClock.Instant) async -> JobError {
        let tail = log.seal()
        await removeDevice(tail)
        tail.jobEnded(failure, duration: JobRunner.seconds(since: start))
        return failure
    }
}
