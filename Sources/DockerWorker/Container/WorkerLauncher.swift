import DockerEngine
import Foundation
import Logging

/// Creates and starts the worker container of a version from its image (spec §8.5): the
/// options its lava-worker takes come from the image's label, or else from its `--help`.
struct WorkerLauncher: Sendable {
    let engine: any WorkerEngine
    let settings: SupervisorSettings
    let plan: WorkerContainerPlan
    let logger: Logger

    func start(version: String, image: String) async throws(SupervisorError) -> WorkerContainer {
        do {
            let info = try await engine.inspectImage(image)
            var options = WorkerContainerPlan.acceptedOptions(labels: info?.labels ?? [:])
            if options == nil { options = try await helpOptions(image) }
            if settings.seccomp != "off", options?.contains("--seccomp") != true {
                logger.warning("\(image)'s lava-worker takes no --seccomp (as LAVA's own images): its jobs run without the host-protection filter")
            }
            try FileManager.default.createDirectory(atPath: settings.workerDirectory, withIntermediateDirectories: true)
            let name = plan.containerName(version: version)
            let spec = plan.spec(image: image, version: version, acceptedOptions: options ?? [])
            // Not cut short by a kill: the engine may make the container after a cancelled
            // request, and a kill's clean-up (`discard`) must find it.
            let id = try await uncancelled { [engine] () throws(DockerError) in try await engine.createContainer(name: name, spec) }
            try await engine.startContainer(id)
            return WorkerContainer(id: id, name: name, version: version, image: image, startedHere: true)
        } catch let error as DockerError {
            throw .docker(error)
        } catch {
            throw .setup("cannot create the worker directory \(settings.workerDirectory): \(error.localizedDescription)")
        }
    }

    /// The options of an image without the options label: its lava-worker's `--help`, read in
    /// a throwaway container.
    private func helpOptions(_ image: String) async throws(DockerError) -> Set<String> {
        var spec = ContainerSpec(image: image, command: ["lava-worker", "--help"])
        spec.labels = [WorkerContainerPlan.supervisorLabel: settings.name]
        let id = try await engine.createContainer(name: nil, spec)
        var help = ""
        do {
            try await engine.startContainer(id)
            _ = try await engine.waitContainer(id)
            for try await chunk in engine.containerLogs(id, follow: false, since: nil) {
                help += String(decoding: chunk.bytes, as: UTF8.self)
            }
        } catch {
            try? await engine.removeContainer(id, force: true)
            throw (error as? DockerError) ?? .invalidResponse(detail: "\(error)")
        }
        try? await engine.removeContainer(id, force: true)
        return WorkerContainerPlan.acceptedOptions(help: help)
    }

    /// This supervisor's containers of `version`, and its throwaway ones (no version label),
    /// removed: what a start cut short may have left.
    func discard(version: String) async {
        guard let containers = try? await containers() else { return }
        for container in containers where container.version == version || container.version.isEmpty {
            try? await engine.removeContainer(container.id, force: true)
        }
    }

    /// This supervisor's containers, found by its label.
    func containers() async throws(DockerError) -> [WorkerContainer] {
        try await engine.listContainers(all: true, labels: [WorkerContainerPlan.supervisorLabel: settings.name]).map { summary in
            WorkerContainer(id: summary.id, name: summary.names.first ?? summary.id,
                            version: summary.labels[WorkerContainerPlan.versionLabel] ?? "",
                            image: summary.image, isRunning: summary.state == "running")
        }
    }
}
