import DockerEngine
import Foundation
import LavaCore

/// Runs the actions of a docker job in order, each under its timeout and the whole under the
/// job's, logging LAVA's `start:`/`end:` lines and a `lava` result per action; the DUT container
/// is removed at the end whatever happened (LAVA's finalize).
struct JobRunner: Sendable {
    let job: DockerJob
    let device: DockerDevice
    let docker: DockerClient
    let log: JobLog
    let outputDirectory: URL
    let prefix: String
    let dispatcherIP: String?
    let fetcher: TestDefinitionFetcher
    /// For the device-under-test containers (`DeviceProfile`).
    let securityOptions: [String]
    /// Why the job is being cancelled, asked when an action sees the cancellation.
    let cancelReason: @Sendable () -> JobError

    /// nil when the job passed.
    func run() async -> JobError? {
        let state = RunState()
        let start = ContinuousClock.now
        let seconds = job.definition.jobTimeout.components.seconds
        var failure: JobError?
        do throws(JobError) {
            try await withDeadline(job.definition.jobTimeout, expired: JobError(.job, "The job timed out after \(seconds) seconds")) { () throws(JobError) in
                for action in job.actions {
                    try await self.perform(action, state: state)
                }
            }
        } catch {
            failure = error.kind == .canceled ? cancelReason() : error
        }
        await finalize(state)
        log.jobEnded(failure, duration: Self.seconds(since: start))
        return failure
    }

    private func perform(_ action: DockerJob.Action, state: RunState) async throws(JobError) {
        let start = ContinuousClock.now
        log.info("start: \(action.level) \(action.name) (timeout \(Self.clock(action.timeout)))")
        let expired = JobError(action.name == "lava-test-retry" ? .test : .job,
                               "\(action.name) timed out after \(action.timeout.components.seconds) seconds")
        do throws(JobError) {
            try await withDeadline(action.timeout, expired: expired) { () throws(JobError) in
                try Task.checkCancellation(or: .canceled)
                switch action.step {
                case .deploy(let image, _, let os):
                    try await ImageDeployment(docker: docker, log: log).run(image: image)
                    state.update { $0.image = image }
                    let overlay = try await PreparedOverlay.make(job: job, device: device, outputDirectory: outputDirectory,
                                                                 prefix: prefix, dispatcherIP: dispatcherIP, targetOS: os,
                                                                 fetcher: fetcher, log: log)
                    state.update { $0.overlay = overlay }
                case .boot(let command):
                    try await boot(command: command, action: action, state: state)
                case .test:
                    guard let container = state.current.container, let overlay = state.current.overlay else {
                        throw JobError(.job, "\(action.name): no container is running: the job must deploy and boot first")
                    }
                    try await TestShellStep(container: container, docker: docker, log: log, overlay: overlay, level: action.level).run()
                }
            }
        } catch {
            result(action, start: start, passed: false)
            throw error
        }
        log.info("end: \(action.level) \(action.name) (duration \(Self.clock(ContinuousClock.now - start)))")
        result(action, start: start, passed: true)
    }

    private func boot(command: [String], action: DockerJob.Action, state: RunState) async throws(JobError) {
        guard let image = state.current.image else {
            throw JobError(.job, "\(action.name): no image: the job must deploy (to: docker) before it boots")
        }
        let overlay = state.current.overlay
        let container = try await DUTContainer.boot(
            docker: docker, image: image, command: command,
            name: DUTContainer.name(jobID: job.id, prefix: prefix, level: action.level), jobID: job.id, device: device,
            overlay: overlay.map { ($0.overlay.directory.path, $0.overlay.root) }, securityOptions: securityOptions, log: log)
        log.info("Container \(container.name) is running")
        let console = Task { [log] in await container.followConsole(log) }
        state.update {
            $0.container = container
            $0.console = console
        }
    }

    private func finalize(_ state: RunState) async {
        let values = state.current
        values.console?.cancel()
        guard let container = values.container else { return }
        log.info("Removing container \(container.name)")
        // Not inherited from the job's task: the cleanup must run even after a cancel.
        let removal = Task { () -> DockerError? in
            do throws(DockerError) {
                try await container.remove()
                return nil
            } catch {
                return error
            }
        }
        if let error = await removal.value {
            log.error("Cannot remove container \(container.name): \(error)")
        }
    }

    private func result(_ action: DockerJob.Action, start: ContinuousClock.Instant, passed: Bool) {
        let message: ResultsMessage = [
            "definition": "lava", "case": .string(action.name), "level": .string(action.level),
            "duration": .string(Self.seconds(since: start)), "result": passed ? "pass" : "fail",
        ]
        log.emit(ResultsLine(message: message).encoded())
    }

    static func seconds(since start: ContinuousClock.Instant) -> String {
        let elapsed = ContinuousClock.now - start
        let (seconds, attoseconds) = elapsed.components
        return String(format: "%.2f", Double(seconds) + Double(attoseconds) / 1e18)
    }

    /// LAVA's `HH:MM:SS` for timeouts and durations.
    static func clock(_ duration: Duration) -> String {
        let total = duration.components.seconds
        return String(format: "%02lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60)
    }
}

extension Task where Success == Never, Failure == Never {
    /// `Task.checkCancellation()` with the job's own error.
    static func checkCancellation(or error: JobError) throws(JobError) {
        if Task.isCancelled { throw error }
    }
}
