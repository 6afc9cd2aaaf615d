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
    /// What a cleanup cut short must still do: remove the device-under-test container.
    let removeDevice: @Sendable () async -> Void

    func run() async {
        let start = ContinuousClock.now
        let failure: JobError?
        switch await ending.first({ await cancelWhenGracefulShutdown(job) }) {
        case .ended(let ended):
            failure = ended
        case .cutShort:
            await removeDevice()
            failure = .canceledAgain
            log.jobEnded(failure, duration: JobRunner.seconds(since: start))
        }
        session.jobEnded(failure)
        files.writeResult(failure)
        uploader?.close()
    }
}
