import DockerEngine
import Foundation
import LavaClient
import LavaCore
import Logging
import ServiceLifecycle

/// lava-docker-worker's service (spec §8.2): performs what `SupervisorMachine` decides and feeds
/// it what happens. Each action runs as a child task whose outcome comes back as an event, so the
/// machine never waits: a stop, a crash or the server's news is handled at once.
///
/// Beyond LAVA: a running worker container that the server accepts is adopted after a supervisor
/// restart (its jobs go on); one of a version it no longer accepts drains first (SIGTERM), since
/// two workers of one name would each take the other's jobs for lost; the new version's image is
/// pulled while the old worker drains; a crash loop backs off; older images are removed.
public struct Supervisor: Service {
    private let settings: SupervisorSettings
    private let engine: any WorkerEngine
    private let monitor: ServerVersionMonitor
    private let logger: Logger
    private let status: any SupervisorStatus
    private let images: ImageProvider
    private let launcher: WorkerLauncher
    private let metrics: SupervisorMetrics

    public init(settings: SupervisorSettings, engine: any WorkerEngine, monitor: ServerVersionMonitor, logger: Logger,
                status: any SupervisorStatus, metrics: SupervisorMetrics = SupervisorMetrics()) {
        self.settings = settings
        self.engine = engine
        self.monitor = monitor
        self.logger = logger
        self.status = status
        self.metrics = metrics
        images = ImageProvider(engine: engine, settings: settings, logger: logger, status: status, metrics: metrics)
        launcher = WorkerLauncher(engine: engine, settings: settings, plan: WorkerContainerPlan(settings: settings), logger: logger)
    }

    /// Runs until stopped (graceful shutdown: the worker finishes its jobs; cancellation: it is
    /// killed); throws what no retry can mend.
    public func run() async throws(SupervisorError) {
        let (events, input) = AsyncStream.makeStream(of: SupervisorEvent.self)
        var machine = SupervisorMachine(policy: .init(retryPause: settings.retryPause, maximumRetryPause: settings.maximumRetryPause))
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { [monitor] in
                    for await answer in monitor.answers { input.yield(answer) }
                }
                perform(SupervisorMachine.firstActions, machine: machine, group: &group, input: input)
                for await event in events {
                    let actions = machine.handle(event)
                    metrics.record(machine, after: event)
                    if machine.isFinished {
                        // The last actions (the container removed) complete before the rest is cancelled.
                        await finalActions(actions)
                        break
                    }
                    perform(actions, machine: machine, group: &group, input: input)
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            input.yield(.stopRequested)
        }
        if !machine.isFinished {
            // Cancelled: the last actions (the worker killed) must not be cancelled themselves.
            let actions = machine.handle(.killRequested)
            metrics.record(machine, after: .killRequested)
            await Task { [self] in await finalActions(actions) }.value
        }
        if case .failed(let error) = machine.phase { throw error }
        logger.info("stopped")
    }

    private func perform(_ actions: [SupervisorAction], machine: SupervisorMachine, group: inout DiscardingTaskGroup,
                         input: AsyncStream<SupervisorEvent>.Continuation) {
        for action in actions {
            logger.trace("\(machine.phase.name): \(action)")
            switch action {
            case .report(let report):
                self.report(report)
            case .askServer:
                monitor.askNow()
            default:
                group.addTask { if let event = await execute(action) { input.yield(event) } }
            }
        }
    }

    private func finalActions(_ actions: [SupervisorAction]) async {
        for action in actions {
            if case .report(let report) = action { self.report(report) } else { _ = await execute(action) }
        }
    }

    private func report(_ report: SupervisorReport) {
        switch report {
        case .ready: status.ready()
        case .status(let text):
            status.status(text)
            logger.info("\(text)")
        case .warning(let text):
            status.status(text)
            logger.warning("\(text)")
        case .stopping: status.stopping()
        case .serverContact: status.serverContact()
        }
    }

    /// One action, its outcome as the event the machine waits for (nil for fire-and-forget).
    private func execute(_ action: SupervisorAction) async -> SupervisorEvent? {
        switch action {
        case .pingEngine:
            do {
                try await engine.ping()
                return .engineAnswered
            } catch {
                return .engineFailed(error)
            }
        case .listContainers:
            do {
                return .containersFound(try await launcher.containers())
            } catch {
                return .unusable(.docker(error))
            }
        case .getImage(let version, let digest):
            do {
                let image = try settings.image.image(for: version)
                do {
                    if let refusal = try await images.provide(image, version: version, digest: digest) { return .imageRefused(refusal) }
                    return .imageReady(image)
                } catch {
                    return .imageMissing(version: version, reason: "\(error)")
                }
            } catch {
                return .unusable(error)
            }
        case .build(let base):
            do {
                return .imageBuilt(try await images.customise(base))
            } catch {
                return .buildFailed("\(error)")
            }
        case .start(let version, let image):
            do {
                let container = try await launcher.start(version: version, image: image)
                logger.info("started \(container.name) from \(image)")
                return .containerStarted(container)
            } catch {
                return .startFailed(error)
            }
        case .follow(let container):
            return await follow(container)
        case .signal(let id, let signal):
            logger.info("SIG\(signal.rawValue) to the worker container \(id.prefix(12))")
            try? await engine.killContainer(id, signal: signal.rawValue)
        case .remove(let id):
            try? await engine.removeContainer(id, force: true)
        case .discardCreated(let version):
            await launcher.discard(version: version)
        case .prefetch(let version, let digest, let announced):
            guard let image = try? settings.image.image(for: version) else { return nil }
            let why = announced ? "ahead: the server announces \(version) as its next version" : "while the worker finishes its jobs"
            do {
                if let refusal = try await images.provide(image, version: version, digest: digest, ahead: why) {
                    return .imageAheadRefused(refusal)
                }
                return .imagePulledAhead(version: version)
            } catch {
                logger.info("\(image) could not be pulled ahead: \(error)")
            }
        case .removeOldImages(let current, let previous, let next):
            await images.removeOld(keeping: current, previous, next: next.flatMap { try? settings.image.image(for: $0) })
        case .startRetryTimer(let delay):
            do {
                try await Task.sleep(for: delay)
                return .retryTimerFired
            } catch {
                return nil
            }
        case .report, .askServer, .finish:
            break
        }
        return nil
    }

    /// The container's output, line by line into the log (`> ` first, as LAVA; in the journal with
    /// LAVA_WORKER_CONTAINER and LAVA_WORKER_VERSION fields), until it exits. The exit is known
    /// when the engine says so; the last lines are those the log stream has when it ends.
    private func follow(_ container: WorkerContainer) async -> SupervisorEvent? {
        var logger = logger
        logger[metadataKey: "lava_worker_container"] = "\(container.shortID)"
        logger[metadataKey: "lava_worker_version"] = "\(container.version)"
        // An adopted container's earlier output is already in the log.
        let since = container.startedHere ? nil : Date()
        async let output: Void = { [engine, logger] in
            var lines = LineSplitter()
            do {
                for try await chunk in engine.containerLogs(container.id, follow: true, since: since) {
                    for line in lines.feed(chunk.bytes) { logger.info("> \(String(decoding: line, as: UTF8.self))") }
                }
            } catch {}
            if let rest = lines.finish() { logger.info("> \(String(decoding: rest, as: UTF8.self))") }
        }()
        let status: Int
        do {
            status = try await engine.waitContainer(container.id)
        } catch .containerNotFound {
            status = 0
        } catch {
            guard !Task.isCancelled else { return nil }
            await output
            logger.error("lost track of the worker container \(container.shortID): \(error)")
            return .unusable(.docker(error))
        }
        // A followed log stream ends when the container does: its last lines are in.
        await output
        return .containerExited(id: container.id, status: Int32(clamping: status))
    }
}
