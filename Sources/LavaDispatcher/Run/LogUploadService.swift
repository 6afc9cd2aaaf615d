import ServiceLifecycle

/// The log upload of a lava-run session. A graceful shutdown does not stop it: it ends once the
/// job has closed the log and every line is stored, when the server forgets the job (which then
/// cancels the job), or when the group cancels it (a signal once the job has ended).
struct LogUploadService: Service {
    let uploader: LogUploader
    let session: SessionState

    func run() async {
        session.uploadEnded(await uploader.run())
    }
}
