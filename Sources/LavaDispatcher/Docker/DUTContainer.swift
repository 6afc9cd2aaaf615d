import DockerEngine
import Foundation

/// The device under test of a docker job: a container started by lava-run through the Engine
/// API, a sibling of lava-run's own container when the worker runs in one. Its console output
/// is logged as `target` lines; tests run in it with exec; it is killed and removed at the end,
/// whatever the end.
struct DUTContainer: Sendable {
    let id: String
    let name: String
    private let docker: DockerClient

    /// The labels that mark a DUT container, for cleaning up after a lava-run that was killed.
    static func labels(jobID: Int) -> [String: String] {
        ["org.lavasoftware.lava-run.job": String(jobID)]
    }

    /// LAVA's container name: `lava-[<prefix>-]<job id>-<level>`.
    static func name(jobID: Int, prefix: String, level: String) -> String {
        prefix.isEmpty ? "lava-\(jobID)-\(level)" : "lava-\(prefix)-\(jobID)-\(level)"
    }

    /// `securityOptions`: the engine's `SecurityOpt` (lava-run's seccomp profile), for a device
    /// that is not privileged: the engine gives a privileged container no seccomp at all.
    static func boot(docker: DockerClient, image: String, command: [String], name: String, jobID: Int, device: DockerDevice,
                     overlay: (hostPath: String, containerPath: String)?, securityOptions: [String],
                     log: JobLog) async throws(JobError) -> DUTContainer {
        var binds = device.volumes
        if let overlay { binds.append("\(overlay.hostPath):\(overlay.containerPath)") }
        var spec = ContainerSpec(image: image, command: command)
        spec.hostname = "lava"
        spec.tty = true
        // Keeps an interactive boot command (a shell) alive, as `docker run --interactive` does.
        spec.openStdin = true
        spec.labels = labels(jobID: jobID)
        spec.binds = binds
        spec.privileged = device.privileged
        spec.capAdd = device.capabilities
        spec.devices = device.devices.map(Self.deviceMapping)
        spec.networkMode = device.networks.first
        if device.memory > 0 { spec.memory = Int64(device.memory) }
        if device.cpus > 0 { spec.cpus = device.cpus }
        if !device.privileged { spec.securityOptions = securityOptions }
        log.info("Starting container \(name) from \(image): \(command.joined(separator: " "))")
        do throws(DockerError) {
            // A container of that name is left over from a lava-run that was killed.
            try await docker.removeContainer(name, force: true)
            // Not cut short by a cancel: the engine may make the container after a cancelled
            // request, and then nobody would know its id to remove it.
            let id = try await uncancelled { [spec] () throws(DockerError) in try await docker.createContainer(name: name, spec) }
            do throws(DockerError) {
                if Task.isCancelled { throw DockerError.cancelled }
                try await docker.startContainer(id)
                guard let state = try await docker.inspectContainer(id), state.state.running else {
                    throw DockerError.invalidResponse(detail: "the container stopped at once")
                }
            } catch {
                // The job does not know this container yet: its cleanup would not remove it.
                await Task { try? await docker.removeContainer(id, force: true) }.value
                throw error
            }
            return DUTContainer(id: id, name: name, docker: docker)
        } catch .cancelled {
            throw .canceled
        } catch {
            throw JobError(.infrastructure, "Cannot start the container \(name) from \(image): \(error)")
        }
    }

    /// Logs what the container prints on its console, line by line, until it ends.
    func followConsole(_ log: JobLog) async {
        var lines = LineSplitter()
        do {
            for try await chunk in docker.containerLogs(id, follow: true) {
                for line in lines.feed(chunk.bytes) { log.target(Self.text(line)) }
            }
        } catch {
            return
        }
        if let rest = lines.finish() { log.target(Self.text(rest)) }
    }

    /// A console line as text, without the carriage return a TTY adds.
    static func text(_ line: [UInt8]) -> String {
        String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...], as: UTF8.self)
    }

    /// `docker run --device` syntax: `HOST[:CONTAINER[:PERMISSIONS]]`, the host path resolved as
    /// LAVA does (a /dev/serial/by-id link names the real device).
    static func deviceMapping(_ text: String) -> DeviceMapping {
        let parts = text.split(separator: ":", maxSplits: 2).map(String.init)
        let host = URL(fileURLWithPath: parts.first ?? text).resolvingSymlinksInPath().path
        return DeviceMapping(pathOnHost: host, pathInContainer: parts.count > 1 ? parts[1] : host,
                             cgroupPermissions: parts.count > 2 ? parts[2] : "rwm")
    }

    /// Whether the container still runs (a boot command that ended takes the DUT with it).
    func isRunning() async -> Bool {
        (try? await docker.inspectContainer(id))?.state.running ?? false
    }

    func remove() async throws(DockerError) {
        try await docker.removeContainer(id, force: true)
    }

    /// Removes the job's containers, found by label and name, when its cleanup was cut short
    /// (the container the job knew of may be in a removal that hangs, or not yet known to it).
    /// In a task of its own, so that no cancel stops it, and waited for `limit` at most: an
    /// engine that does not answer must not hold lava-run (the process's exit ends the task).
    static func removeAll(jobID: Int, prefix: String, docker: DockerClient, log: JobLog, limit: Duration = .seconds(10)) async {
        let names = name(jobID: jobID, prefix: prefix, level: "")
        let (done, finished) = AsyncStream.makeStream(of: Bool.self)
        Task {
            do throws(DockerError) {
                let containers = try await docker.listContainers(all: true, labels: labels(jobID: jobID).mapValues { Optional($0) })
                for container in containers {
                    guard let name = container.names.first(where: { $0.hasPrefix(names) }) else { continue }
                    log.info("Removing container \(name)")
                    try await docker.removeContainer(container.id, force: true)
                }
            } catch {
                log.error("Cannot remove the containers of job \(jobID): \(error)")
            }
            finished.yield(true)
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            finished.yield(false)
        }
        for await removed in done {
            if !removed { log.error("The engine did not remove the containers of job \(jobID) within \(limit.components.seconds) s") }
            break
        }
        timer.cancel()
    }
}
