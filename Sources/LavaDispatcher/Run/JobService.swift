import ServiceLifecycle

/// The job of a lava-run session. The group's graceful shutdown (SIGTERM, SIGINT, or the
/// server forgetting the job) cancels it; either way it ends by writing result.yaml and
/// closing the log, so that the upload sends the last lines and ends.
struct JobService: Service {
    let session: SessionState
    let files: JobOutputFiles
    let uploader: LogUploader?
    /// Runs the job; nil when it passed.
    let job: @Sendable () async -> JobError?

    func run() async {
        let failure = await cancelWhenGracefulShutdown(job)
        session.jobEnded(failure)
        files.writeResult(failure)
        uploader?.close()
    }
}
