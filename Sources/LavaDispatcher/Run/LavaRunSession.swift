import DockerEngine
import Foundation
import LavaCore
import LavaWorker
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One lava-run process: reads the job, runs it, reports how it ended, and sends every log line
/// before it exits. SIGTERM or SIGINT cancels the job (LAVA: "The job was canceled"); one
/// after the job has ended stops the log upload. A server that forgets the job cancels it too.
public struct LavaRunSession: Sendable {
    let jobID: Int
    let outputDirectory: URL
    let files: JobOutputFiles
    let log: JobLog
    let uploader: LogUploader?
    let dockerSocket: String
    /// The dispatcher configuration (YAML), for the `prefix` of the job's names.
    let dispatcher: String

    public init(jobID: Int, outputDirectory: URL, files: JobOutputFiles, log: JobLog, uploader: LogUploader?,
                dockerSocket: String, dispatcher: String) {
        self.jobID = jobID
        self.outputDirectory = outputDirectory
        self.files = files
        self.log = log
        self.uploader = uploader
        self.dockerSocket = dockerSocket
        self.dispatcher = dispatcher
    }

    /// True when the job passed. `job` is the job definition as read (the caller needs its
    /// secrets before the log starts), or why it cannot run.
    public func run(job parsed: Result<DockerJob, JobError>, deviceYAML: String) async -> Bool {
        let state = SessionState()
        let upload = Task { await uploader?.run() }
        let job = Task { await runJob(parsed, deviceYAML: deviceYAML, cancelReason: { state.reason }) }
        let signals = SignalWatch([SIGTERM, SIGINT]) { number in
            if state.jobEnded {
                FileHandle.standardError.write(Data("lava-run: signal \(number) after the job ended: stopping the log upload\n".utf8))
                upload.cancel()
            } else {
                job.cancel()
            }
        }
        let watcher = Task {
            if case .jobDeleted? = await upload.value {
                state.reason = .deleted
                job.cancel()
            }
        }
        let failure = await job.value
        state.jobEnded = true
        files.writeResult(failure)
        uploader?.close()
        if case .jobDeleted? = await upload.value {
            FileHandle.standardError.write(Data("lava-run: the server no longer knows job \(jobID); the rest of its log is dropped\n".utf8))
        }
        watcher.cancel()
        signals.cancel()
        return failure == nil
    }

    private func runJob(_ parsed: Result<DockerJob, JobError>, deviceYAML: String,
                        cancelReason: @escaping @Sendable () -> JobError) async -> JobError? {
        let start = ContinuousClock.now
        log.info("start: 0 validate")
        let job: DockerJob
        let device: DockerDevice
        let docker: DockerClient
        do throws(JobError) {
            job = try parsed.get()
            device = try DockerDevice(yaml: deviceYAML, jobDeviceType: job.definition.deviceType)
            do {
                docker = try DockerClient(socketPath: dockerSocket)
            } catch {
                throw JobError(.infrastructure, "\(error)")
            }
        } catch {
            log.error("\(error.kind.rawValue) error: \(error.message)")
            log.emit(ResultsLine(message: ["definition": "lava", "case": "validate", "result": "fail"]).encoded())
            var message: ResultsMessage = ["definition": "lava", "case": "job", "result": "fail"]
            message["error_msg"] = .string(error.message)
            message["error_type"] = .string(error.kind.rawValue)
            log.emit(ResultsLine(message: message).encoded())
            return error
        }
        files.writeDescription(job)
        log.info("validate duration: \(JobRunner.seconds(since: start))")
        log.emit(ResultsLine(message: ["definition": "lava", "case": "validate", "result": "pass"]).encoded())
        let runner = JobRunner(job: job, device: device, docker: docker, log: log, outputDirectory: outputDirectory,
                               prefix: DispatcherConfiguration.prefix(dispatcher),
                               dispatcherIP: DispatcherConfiguration.dispatcherIP(dispatcher),
                               fetcher: TestDefinitionFetcher(userAgent: "lava-run \(LavaVersion.current)"), cancelReason: cancelReason)
        return await runner.run()
    }

    /// What the signal handler, the upload watcher and the job share.
    private final class SessionState: Sendable {
        private let values = Mutex((reason: JobError.canceled, jobEnded: false))

        var reason: JobError {
            get { values.withLock { $0.reason } }
            set { values.withLock { $0.reason = newValue } }
        }

        var jobEnded: Bool {
            get { values.withLock { $0.jobEnded } }
            set { values.withLock { $0.jobEnded = newValue } }
        }
    }
}
