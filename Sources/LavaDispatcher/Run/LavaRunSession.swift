import DockerEngine
import Foundation
import LavaCore
import Logging
import ServiceLifecycle

/// One lava-run process as a service group: the job and its log upload, until the job has ended
/// and every log line is sent (spec §4.4, §5.2). Signals follow `StopRule`: SIGTERM or SIGINT
/// cancels the job ("The job was canceled"): it cleans up, logs its result, writes result.yaml and
/// the upload still sends every line. A second signal during the cleanup cuts it short ("The job
/// was canceled again (too long to cancel)"): the device-under-test container is still removed. A
/// signal once the job has ended stops the upload (the server may be away). A server that forgets
/// the job cancels it too. `stopTimeout` bounds the whole shutdown (the group then cancels every
/// service, which cuts the cleanup short and stops the upload).
public struct LavaRunSession: Sendable {
    let jobID: Int
    let outputDirectory: URL
    let files: JobOutputFiles
    let log: JobLog
    let uploader: LogUploader?
    let dockerSocket: String
    /// The dispatcher configuration (YAML), for the `prefix` of the job's names.
    let dispatcher: String
    /// The engine's `SecurityOpt` for device-under-test containers (`DeviceProfile`).
    let securityOptions: [String]
    /// How long the shutdown after a signal may take; nil: as long as it takes.
    let stopTimeout: Duration?

    public init(jobID: Int, outputDirectory: URL, files: JobOutputFiles, log: JobLog, uploader: LogUploader?,
                dockerSocket: String, dispatcher: String, securityOptions: [String] = [], stopTimeout: Duration? = nil) {
        self.jobID = jobID
        self.outputDirectory = outputDirectory
        self.files = files
        self.log = log
        self.uploader = uploader
        self.dockerSocket = dockerSocket
        self.dispatcher = dispatcher
        self.securityOptions = securityOptions
        self.stopTimeout = stopTimeout
    }

    /// True when the job passed. `job` is the job definition as read (the caller needs its
    /// secrets before the log starts), or why it cannot run.
    public func run(job parsed: Result<DockerJob, JobError>, deviceYAML: String) async -> Bool {
        let session = SessionState()
        let ending = JobEnding()
        let job = JobService(session: session, files: files, log: log, uploader: uploader, ending: ending) {
            await self.runJob(parsed, deviceYAML: deviceYAML, cancelReason: { session.cancelReason })
        } removeDevice: { tail in
            guard let docker = try? DockerClient(socketPath: dockerSocket) else { return }
            await DUTContainer.removeAll(jobID: jobID, prefix: DispatcherConfiguration.prefix(dispatcher), docker: docker, log: tail)
        }
        let signals = await StopSignals { _ in
            switch session.handle(.signal) {
            case .cancelJob:
                return .shutDownGracefully
            case .cutCleanupShort:
                ending.cutShort()
                return .none
            case .stopUpload:
                FileHandle.standardError.write(Data("lava-run: signal after the job ended: stopping the log upload\n".utf8))
                return .escalate
            case .none:
                return .none
            }
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: signals)]
        if let uploader {
            services.append(.init(service: LogUploadService(uploader: uploader, session: session),
                                  successTerminationBehavior: .gracefullyShutdownGroup))
        }
        // With an upload, its end (every line sent) ends the group: a graceful shutdown started
        // by the job's own end would start --stop-timeout's clock without any signal.
        services.append(.init(service: job, successTerminationBehavior: uploader == nil ? .gracefullyShutdownGroup : .ignore))
        var configuration = ServiceGroupConfiguration(
            services: services, logger: Logger(label: "lava-run") { _ in SwiftLogNoOpLogHandler() })
        configuration.maximumGracefulShutdownDuration = stopTimeout
        let group = ServiceGroup(configuration: configuration)
        signals.stops(group)
        // How it ended is in `session`: the group throws when a signal stops the upload, when
        // --stop-timeout runs out, or when the server forgets the job while it is being canceled
        // (the upload ends early), and all are accounted for there.
        try? await group.run()
        if session.uploadOutcome == .jobDeleted {
            FileHandle.standardError.write(Data("lava-run: the server no longer knows job \(jobID); the rest of its log is dropped\n".utf8))
        }
        return session.jobEnded && session.failure == nil
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
                               fetcher: TestDefinitionFetcher(userAgent: "lava-run \(LavaVersion.current)"),
                               securityOptions: securityOptions, cancelReason: cancelReason)
        return await runner.run()
    }
}
