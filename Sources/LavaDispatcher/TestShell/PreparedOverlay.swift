import Foundation

/// The overlay of a job with every test action's definitions fetched into it: one stage per
/// test action, written on the worker under the job's output directory and mounted into the DUT
/// at `/lava-<id>`. LAVA prepares it in the deploy action too, so that boot can mount it.
struct PreparedOverlay: Sendable {
    struct Stage: Sendable {
        let number: Int
        let runs: [TestRunDescription]
    }

    let overlay: Overlay
    /// By the level of the test action that runs it.
    let stages: [String: Stage]

    static func make(job: DockerJob, device: DockerDevice, outputDirectory: URL, prefix: String, dispatcherIP: String?,
                     targetOS: String?, fetcher: TestDefinitionFetcher, log: JobLog) async throws(JobError) -> PreparedOverlay {
        let overlay = Overlay(jobID: String(job.id), directory: outputDirectory.appendingPathComponent("overlay/lava-\(job.id)"))
        let environment = TestShellEnvironment(
            device: device.environment.map { .init(name: $0.name, value: $0.value) },
            job: job.environment.map { .init(name: $0.name, value: $0.value) },
            jobID: String(job.id), dispatcherIP: dispatcherIP, tags: job.definition.tags, dispatcherPrefix: prefix.isEmpty ? nil : prefix,
            deviceHostname: device.hostname, deviceType: job.definition.deviceType)
        var stages: [String: Stage] = [:]
        do {
            try overlay.writeBase(environment: environment, secrets: job.secrets.map { .init(name: $0.name, value: $0.value) })
            for action in job.actions {
                guard case .test(let yaml) = action.step else { continue }
                let number = stages.count
                var fetched: [FetchedTestDefinition] = []
                var levels: [String: String] = [:]
                for source in try TestDefinitionSource.list(fromTestAction: yaml) {
                    log.info("Fetching test definition \(source.name) (\(source.repositoryDescription))")
                    let directory = try overlay.testDirectory(stage: number, runName: source.runName)
                    let definition = try await fetcher.fetch(source, into: directory)
                    definition.notes.forEach { log.warning("\(source.name): \($0)") }
                    fetched.append(definition)
                    levels[source.runName] = "\(action.level).\(source.index + 1)"
                }
                try overlay.writeStage(number, tests: fetched, levels: levels, targetOS: targetOS)
                stages[action.level] = Stage(number: number, runs: fetched.map(TestRunDescription.init))
            }
        } catch let error as TestDefinitionError {
            if case .fetchFailed = error { throw JobError(.infrastructure, error.description) }
            throw JobError(.job, error.description)
        } catch let error as OverlayError {
            if case .unsafePath = error { throw JobError(.job, error.description) }
            throw JobError(.infrastructure, error.description)
        } catch {
            throw JobError(.bug, "\(error)")
        }
        return PreparedOverlay(overlay: overlay, stages: stages)
    }
}
