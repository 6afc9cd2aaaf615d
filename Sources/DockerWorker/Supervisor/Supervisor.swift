import DockerEngine
import Foundation
import LavaClient
import Logging

/// lava-docker-worker's loop (spec §8.2): ask the server its version, run the worker container
/// of that version until it exits, and start again. A worker exits when the server's version
/// changes and its jobs are done, so this loop is the automatic upgrade (and downgrade).
///
/// Beyond LAVA: a running worker container of the right version is adopted after a supervisor
/// restart (its jobs go on); one of another version is left to drain first, since two workers
/// of one name would each take the other's jobs for lost; the new version's image is pulled
/// while the old worker drains; a crash loop backs off; older images are removed.
public actor Supervisor {
    private let settings: SupervisorSettings
    private let docker: DockerClient
    private let logger: Logger
    private let status: any SupervisorStatus
    private let plan: WorkerContainerPlan
    private let images: ImageProvider
    private let probe: ServerVersionProbe
    private var stopRequests = 0
    private var running: String?
    private var previousImage: String?
    private var crashes = 0
    private var missingImages = 0
    /// Cuts short the current wait for the server or pause after a failure (on a stop).
    private var cancelWait: (@Sendable () -> Void)?

    public init(settings: SupervisorSettings, client: LavaServerClient, docker: DockerClient, logger: Logger, status: any SupervisorStatus) {
        self.settings = settings
        self.docker = docker
        self.logger = logger
        self.status = status
        plan = WorkerContainerPlan(settings: settings)
        images = ImageProvider(docker: docker, settings: settings, logger: logger, status: status)
        probe = ServerVersionProbe(client: client, logger: logger, status: status, pause: settings.retryPause,
                                   maximumPause: settings.maximumRetryPause)
    }

    /// SIGTERM or SIGINT: the worker gets SIGTERM and drains its jobs (`--wait-jobs`); a second
    /// request, or `stopTimeout`, kills it.
    public nonisolated func stop() {
        Task { await self.requestStop() }
    }

    private func requestStop() async {
        stopRequests += 1
        status.stopping()
        cancelWait?()
        if stopRequests == 1, let timeout = settings.stopTimeout {
            Task {
                try? await Task.sleep(for: timeout)
                await self.requestStop()
            }
        }
        await signalWorker()
    }

    /// After a stop request: TERM to the worker container (it drains its jobs), KILL after a
    /// second request. Also called when a container becomes the running one, so a stop that
    /// came while it was being created reaches it.
    private func signalWorker() async {
        guard stopping, let running else { return }
        let signal = stopRequests > 1 ? "KILL" : "TERM"
        logger.info("stopping: SIGTERM → \(signal) to the worker container \(running)")
        try? await docker.killContainer(running, signal: signal)
    }

    /// Runs `body` as the current wait, which a stop cancels.
    private func interruptibly<T: Sendable>(_ body: @escaping @Sendable () async -> T) async -> T {
        let task = Task { await body() }
        cancelWait = { task.cancel() }
        if stopping { task.cancel() }
        let result = await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
        cancelWait = nil
        return result
    }

    private var stopping: Bool { stopRequests > 0 }

    /// Runs until stopped; throws what no retry can mend.
    public func run() async throws(SupervisorError) {
        do {
            try await docker.ping()
        } catch {
            throw .docker(error)
        }
        while !stopping {
            let probe = probe
            let answer = await interruptibly { () -> Result<String?, SupervisorError> in
                do throws(SupervisorError) {
                    return .success(try await probe.wait())
                } catch {
                    return .failure(error)
                }
            }
            guard let version = try answer.get(), !stopping else { break }
            if try await drainOthers(version: version) { continue }
            if let adopted = try await existing(version: version) {
                logger.info("adopting the running worker container \(adopted.name) (\(version))")
                try await supervise(adopted.id, name: adopted.name, version: version, image: adopted.image, since: Date())
                continue
            }
            let image: String
            do {
                image = try await images.provide(try settings.image.image(for: version))
            } catch .docker(let error) {
                guard !stopping else { break }
                missingImages += 1
                await pause("no worker image for \(version) yet (\(error))", failures: missingImages)
                continue
            }
            missingImages = 0
            guard !stopping else { break }
            let name = plan.containerName(version: version)
            let id = try await start(image: image, name: name, version: version)
            if previousImage != image {
                if previousImage != nil { await images.removeOld(keeping: image, previousImage) }
                previousImage = image
            }
            try await supervise(id, name: name, version: version, image: image, since: nil)
        }
        logger.info("stopped")
    }

    /// The worker container of this version already running, if any; stopped ones are removed.
    private func existing(version: String) async throws(SupervisorError) -> (id: String, name: String, image: String)? {
        for container in try await ours() {
            if container.state == "running", container.labels[WorkerContainerPlan.versionLabel] == version {
                return (container.id, container.names.first.map { String($0.drop { $0 == "/" }) } ?? container.id, container.image)
            }
            if container.state != "running" { try? await docker.removeContainer(container.id) }
        }
        return nil
    }

    /// Workers of another version still running (left by an earlier supervisor): each is
    /// followed until it has drained and exited, meanwhile the new image is pulled. True when
    /// there were any (the loop then asks the version again).
    private func drainOthers(version: String) async throws(SupervisorError) -> Bool {
        let others = try await ours().filter { $0.state == "running" && $0.labels[WorkerContainerPlan.versionLabel] != version }
        for container in others {
            let old = container.labels[WorkerContainerPlan.versionLabel] ?? "?"
            status.status("the \(old) worker finishes its jobs before \(version) starts")
            logger.info("the worker container \(container.id.prefix(12)) runs \(old): letting it finish its jobs")
            let image = try? settings.image.image(for: version)
            let prefetch = Task { [images] in if let image { try? await images.pull(image) } }
            running = container.id
            await signalWorker()
            _ = try await follow(container.id, version: old, since: Date())
            running = nil
            prefetch.cancel()
            try? await docker.removeContainer(container.id)
        }
        return !others.isEmpty
    }

    private func ours() async throws(SupervisorError) -> [ContainerSummary] {
        do {
            return try await docker.listContainers(all: true, labels: [WorkerContainerPlan.supervisorLabel: settings.name])
        } catch {
            throw .docker(error)
        }
    }

    private func start(image: String, name: String, version: String) async throws(SupervisorError) -> String {
        do {
            let info = try await docker.inspectImage(image)
            var options = WorkerContainerPlan.acceptedOptions(labels: info?.labels ?? [:])
            if options == nil { options = try await helpOptions(image) }
            try FileManager.default.createDirectory(atPath: settings.workerDirectory, withIntermediateDirectories: true)
            let id = try await docker.createContainer(name: name, plan.spec(image: image, version: version, acceptedOptions: options ?? []))
            try await docker.startContainer(id)
            logger.info("started \(name) from \(image)")
            return id
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
        let id = try await docker.createContainer(name: nil, spec)
        var help = ""
        do {
            try await docker.startContainer(id)
            _ = try await docker.waitContainer(id)
            for try await chunk in docker.containerLogs(id, follow: false) {
                help += String(decoding: chunk.bytes, as: UTF8.self)
            }
        } catch {
            try? await docker.removeContainer(id)
            throw (error as? DockerError) ?? .invalidResponse(detail: "\(error)")
        }
        try? await docker.removeContainer(id)
        return WorkerContainerPlan.acceptedOptions(help: help)
    }

    /// Runs beside the worker until it exits: its output into the log, the server's version
    /// asked now and then (a new version's image is pulled ahead), then the exit handled.
    private func supervise(_ id: String, name: String, version: String, image: String, since: Date?) async throws(SupervisorError) {
        running = id
        await signalWorker()
        status.ready()
        status.status("running lava-worker \(version) in \(name)")
        let watcher = Task { [probe, settings, images, logger] in
            var prefetched: String?
            while !Task.isCancelled {
                try? await Task.sleep(for: settings.versionCheckInterval)
                guard let next = try? await probe.ask(), next != version, next != prefetched,
                      let nextImage = try? settings.image.image(for: next) else { continue }
                logger.info("the server runs \(next) now: pulling \(nextImage) while the worker finishes its jobs")
                try? await images.pull(nextImage)
                prefetched = next
            }
        }
        let exit = try await follow(id, version: version, since: since)
        watcher.cancel()
        running = nil
        try? await docker.removeContainer(id)
        // Exit 75 while the server did not change: the image's worker reports another version than its tag.
        let unchanged = exit == 75 && !stopping ? (try? await probe.ask()) == version : false
        switch exit {
        case 75 where unchanged:
            crashes += 1
            await pause("the worker of \(version) exits for a version mismatch (\(crashes) in a row): does \(image) "
                + "really hold lava-worker \(version)? (--image)", failures: crashes)
        case 0, 75:
            crashes = 0
            logger.info("the worker exited (\(exit)): \(stopping ? "stopped" : "asking the server's version again")")
        default:
            crashes += 1
            guard !stopping else { return }
            await pause("the worker exited with status \(exit) (\(crashes) in a row)", failures: crashes)
        }
    }

    /// The container's output, line by line into the log (`> ` first, as LAVA; in the journal with
    /// LAVA_WORKER_CONTAINER and LAVA_WORKER_VERSION fields), until it exits.
    private func follow(_ id: String, version: String, since: Date?) async throws(SupervisorError) -> Int {
        var logger = logger
        logger[metadataKey: "lava_worker_container"] = "\(id.prefix(12))"
        logger[metadataKey: "lava_worker_version"] = "\(version)"
        let output = Task { [docker, logger] in
            var lines = LineSplitter()
            let stream = docker.containerLogs(id, follow: true, since: since)
            do {
                for try await chunk in stream {
                    for line in lines.feed(chunk.bytes) { logger.info("> \(String(decoding: line, as: UTF8.self))") }
                }
            } catch {}
            if let rest = lines.finish() { logger.info("> \(String(decoding: rest, as: UTF8.self))") }
        }
        defer { output.cancel() }
        do {
            let exit = try await docker.waitContainer(id)
            // The last lines arrive after the exit.
            try? await Task.sleep(for: .milliseconds(200))
            return exit
        } catch .containerNotFound {
            return 0
        } catch {
            throw .docker(error)
        }
    }

    /// Waits after the `failures`-th failure in a row, longer each time (from `retryPause` up to
    /// `maximumRetryPause`), and says so.
    private func pause(_ reason: String, failures: Int) async {
        let delay = RetryDelay(ceiling: settings.maximumRetryPause).after(failures: failures + 2)
        let wait = max(delay, settings.retryPause)
        status.status("\(reason); trying again in \(wait.components.seconds) s")
        logger.warning("\(reason); trying again in \(wait.components.seconds) s")
        await interruptibly { try? await Task.sleep(for: wait) }
    }
}
