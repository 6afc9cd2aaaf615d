import LavaClient
import LavaCore

/// The supervisor's life as one state and one transition (spec §8.2, and beyond LAVA): ask the
/// server its version, get that version's image, run its worker container until it exits, and
/// start again. Pure: no I/O, no clock; the `Supervisor` service performs the actions and feeds
/// back the events, so every transition is tested without an engine.
public struct SupervisorMachine: Sendable {
    public struct Policy: Sendable {
        /// The pause after the first failure; doubles up to `maximumRetryPause`.
        public var retryPause: Duration
        public var maximumRetryPause: Duration

        public init(retryPause: Duration = .seconds(5), maximumRetryPause: Duration = .seconds(300)) {
            self.retryPause = retryPause
            self.maximumRetryPause = maximumRetryPause
        }
    }

    public private(set) var phase: SupervisorPhase = .checkingEngine
    // What outlives a phase: the server's last answer, counts for the status and metrics, and
    // the images already pulled or refused.
    /// The server's last answer.
    public private(set) var server: VersionResponse?
    /// Worker exits that were failures, in a row (a crash loop backs off).
    public private(set) var crashes = 0
    /// Versions whose image could not be had, in a row.
    public private(set) var imageFailures = 0
    public private(set) var stopRequests = 0
    /// Containers started since this supervisor started (adopted ones not counted).
    public private(set) var starts = 0
    /// The image the last container was started from: kept, with the current one, after an upgrade.
    private var previousImage: String?
    /// The versions (with the digest expected of each) pulled ahead while the worker runs, so
    /// each is pulled once.
    private var prefetched: Set<Ahead> = []
    private struct Ahead: Hashable {
        var version: String
        var digest: String?
    }
    /// The worker image refused last for its digest, until the server expects another one or
    /// that version's image passes (status and metrics tell it).
    public private(set) var refusal: ImageRefusal?
    /// Images refused for their digest since this supervisor started.
    public private(set) var refusals = 0
    /// The announced next version whose image was pulled ahead (and passed its digest check).
    public private(set) var readyAhead: String?
    private let policy: Policy

    public init(policy: Policy = Policy()) {
        self.policy = policy
    }

    /// The start: the engine is asked first.
    public static let firstActions: [SupervisorAction] = [.pingEngine]

    public var isFinished: Bool {
        switch phase {
        case .stopped, .failed: true
        default: false
        }
    }

    public mutating func handle(_ event: SupervisorEvent) -> [SupervisorAction] {
        // After the end nothing is done; the service is on its way out.
        guard !isFinished else { return [] }
        if case .stopRequested = event { return stop() }
        if case .killRequested = event { return kill() }
        switch (phase, event) {
        case (.checkingEngine, .engineAnswered):
            return ask()
        case (.checkingEngine, .engineFailed(let error)):
            return fail(.docker(error))

        case (_, .serverAnswered(let answer)):
            server = answer
            if let refused = refusal, answer.expectedDigest(of: refused.version) != refused.expected { refusal = nil }
            var actions: [SupervisorAction] = [.report(.serverContact)]
            if case .running(let container, true) = phase {
                phase = .running(container)
                actions.append(.report(.status(Self.running(container))))
            }
            return actions + serverAnswered(answer)
        case (.askingVersion, .serverUnreachable(let since, _, let next)),
             (.confirmingUpgrade, .serverUnreachable(let since, _, let next)):
            return [.report(.status("server unreachable since \(since); next try in \(next.components.seconds) s"))]
        case (.running(let container, _), .serverUnreachable(let since, _, let next)):
            // The worker goes on (it retries on its own); the admin should still see it.
            phase = .running(container, serverUnreachable: true)
            return [.report(.status("\(Self.running(container)); server unreachable since \(since); next try in \(next.components.seconds) s"))]
        case (_, .serverUnreachable):
            return []
        case (.askingVersion, .serverNotLAVA(let url)), (.confirmingUpgrade, .serverNotLAVA(let url)):
            return fail(.notLAVA(url: url))
        case (_, .serverNotLAVA):
            return []

        case (.inspecting(let answer), .containersFound(let containers)):
            return inspect(containers, server: answer)

        case (.gettingImage(let version), .imageReady(let image)):
            imageFailures = 0
            if refusal?.version == version { refusal = nil }
            phase = .building(version: version, base: image)
            return [.build(base: image)]
        case (.gettingImage, .imageMissing(let version, let reason)):
            imageFailures += 1
            return pause("no worker image for \(version) yet (\(reason))", failures: imageFailures)
        case (.gettingImage(let version), .imageRefused(let refused)) where refused.version == version:
            imageFailures += 1
            noteRefusal(refused)
            return pause("not starting the worker of \(version): \(refused)", failures: imageFailures)

        case (_, .imagePulledAhead(let version)):
            if refusal?.version == version { refusal = nil }
            if version == server?.nextVersion { readyAhead = version }
            return []
        case (_, .imageAheadRefused(let refused)):
            noteRefusal(refused)
            // Tried again at the server's next answer: the admin may mend the image or the digest.
            prefetched = prefetched.filter { $0.version != refused.version }
            let goesOn = Self.runningVersion(phase).map { "; the worker of \($0) goes on" } ?? ""
            return [.report(.warning("refusing the image of \(refused.version) pulled ahead: \(refused)\(goesOn)"))]
        case (.building(let version, _), .imageBuilt(let image)):
            phase = .starting(version: version, image: image)
            return [.start(version: version, image: image)]
        case (.building, .buildFailed(let detail)):
            return fail(.buildFailed(detail))

        case (.starting(_, let image), .containerStarted(let container)):
            starts += 1
            var actions = run(container)
            if let previous = previousImage, previous != image {
                actions.append(.removeOldImages(keeping: image, previous: previous, next: server?.nextVersion))
            }
            previousImage = image
            return actions
        case (.starting, .startFailed(let error)):
            return fail(error)

        case (.running(let container, _), .containerExited(let id, let status)) where id == container.id:
            return exited(container, status: status)
        case (.draining(let containers, let next), .containerExited(let id, let status)):
            guard let container = containers.first(where: { $0.id == id }) else { return [] }
            let left = containers.filter { $0.id != id }
            guard left.isEmpty else {
                phase = .draining(left, next: next)
                return [.remove(id: id), .report(.status("the worker container \(container.name) exited (\(status)) after its jobs; "
                            + "waiting for \(Self.names(left))"))]
            }
            return [.remove(id: id), .report(.status("the worker of \(container.version) exited (\(status)) after its jobs: "
                        + "asking the server's version again"))] + ask()

        case (_, .unusable(let error)):
            return fail(error)

        case (.pausing, .retryTimerFired):
            return ask()

        case (.stopping(let containers, .creation?), .containerStarted(let container)):
            // A stop that came while the container was being created reaches it now.
            phase = .stopping(containers + [container])
            return [.follow(container), .signal(id: container.id, .terminate)]
        case (.stopping(let containers, .creation?), .startFailed):
            phase = .stopping(containers)
            return containers.isEmpty ? finish() : []
        case (.stopping(_, .containerList?), .containersFound(let containers)):
            // A stop while listing: what runs (adopted or not) finishes its jobs too.
            let removals = containers.filter { !$0.isRunning }.map { SupervisorAction.remove(id: $0.id) }
            let running = containers.filter(\.isRunning)
            guard !running.isEmpty else { return removals + finish() }
            phase = .stopping(running)
            return removals + [.report(.status("stopping: SIGTERM to \(Self.names(running)), which finish their jobs"))]
                + running.flatMap { [SupervisorAction.follow($0), .signal(id: $0.id, .terminate)] }
        case (.stopping(let containers, let awaiting), .containerExited(let id, _)) where containers.contains(where: { $0.id == id }):
            let left = containers.filter { $0.id != id }
            phase = .stopping(left, awaiting: awaiting)
            return [.remove(id: id)] + (left.isEmpty && awaiting == nil ? finish() : [])

        default:
            // An answer to an action of an earlier phase (a stop cut it short): nothing to do.
            return []
        }
    }

    // MARK: - Steps

    private mutating func ask() -> [SupervisorAction] {
        phase = .askingVersion
        return [.askServer]
    }

    private mutating func serverAnswered(_ answer: VersionResponse) -> [SupervisorAction] {
        switch phase {
        case .confirmingUpgrade(let worker) where answer.accepts(worker: worker.version):
            // The server still takes that version, yet its worker said "mismatch".
            crashes += 1
            return pause("the worker of \(worker.version) exits for a version mismatch (\(crashes) in a row): does "
                + "\(worker.image) really hold lava-worker \(worker.version)? (--image)", failures: crashes)
        case .askingVersion, .confirmingUpgrade:
            phase = .inspecting(answer)
            return [.listContainers]
        case .running(let container, _) where !answer.accepts(worker: container.version):
            // The worker would hear it at its next ping (409); told now, it makes way without
            // waiting for that ping.
            return drain([container], for: answer.version, "the server runs \(answer.version) now, which does not accept "
                + "\(container.version): the worker finishes its jobs, then \(answer.version) starts")
        case .running(let container, _):
            // While a worker works (one the server accepts): its replacement's image is pulled ahead.
            return pullAhead(for: container)
        case .draining(let containers, let next):
            if answer.version != next, !containers.contains(where: { $0.version == answer.version }) {
                phase = .draining(containers, next: answer.version)
            }
            return containers.first.map { pullAhead(for: $0) } ?? []
        default:
            return []
        }
    }

    /// What this supervisor left running: one container the server accepts is adopted (its jobs
    /// go on). Any other running one drains first (SIGTERM), the adopted one with it: two workers
    /// of one name would each take the other's jobs for lost. Stopped ones are removed.
    private mutating func inspect(_ containers: [WorkerContainer], server answer: VersionResponse) -> [SupervisorAction] {
        let removals = containers.filter { !$0.isRunning }.map { SupervisorAction.remove(id: $0.id) }
        let running = containers.filter(\.isRunning)
        if running.count == 1, let adopted = running.first, answer.accepts(worker: adopted.version) {
            return removals + [.report(.status("adopting the running worker container \(adopted.name) (\(adopted.version))"))]
                + run(adopted)
        }
        if !running.isEmpty {
            let why = running.count == 1
                ? "the worker container \(running[0].name) runs \(running[0].version), which the server no longer accepts: "
                    + "letting it finish its jobs before \(answer.version) starts"
                : "\(running.count) worker containers run (\(Self.names(running))), where one worker may run: "
                    + "letting them finish their jobs before \(answer.version) starts"
            return removals + running.map { .follow($0) } + drain(running, for: answer.version, why)
        }
        phase = .gettingImage(version: answer.version)
        return removals + [.getImage(version: answer.version, digest: answer.digest)]
    }

    /// Workers that must make way: SIGTERM, so each finishes its jobs and exits (`--wait-jobs`),
    /// while the image of `version` is pulled (once).
    private mutating func drain(_ containers: [WorkerContainer], for version: String, _ why: String) -> [SupervisorAction] {
        phase = .draining(containers, next: version)
        let digest = server?.expectedDigest(of: version)
        let pull: [SupervisorAction] = note(version, digest) ? [.prefetch(version: version, digest: digest)] : []
        return [.report(.status(why))] + containers.map { .signal(id: $0.id, .terminate) } + pull
    }

    /// The images `container`'s successors need, by the server's last answer, pulled while it
    /// works: the server's own version if the worker is of another, and the announced next one.
    private mutating func pullAhead(for container: WorkerContainer) -> [SupervisorAction] {
        guard let answer = server else { return [] }
        var actions: [SupervisorAction] = []
        if answer.version != container.version, note(answer.version, answer.digest) {
            actions += [.report(.status("the server runs \(answer.version) now; the worker of \(container.version) goes on")),
                        .prefetch(version: answer.version, digest: answer.digest)]
        }
        if let next = answer.nextVersion, next != container.version, next != answer.version, note(next, answer.nextDigest) {
            actions += [.report(.status("the server announces \(next) as its next version: pulling its image ahead; "
                            + "the worker of \(container.version) goes on")),
                        .prefetch(version: next, digest: answer.nextDigest, announced: true)]
        }
        return actions
    }

    /// Whether `version` (expected with `digest`) is still to pull ahead; it is noted as pulled.
    private mutating func note(_ version: String, _ digest: String?) -> Bool {
        prefetched.insert(Ahead(version: version, digest: digest)).inserted
    }

    private mutating func noteRefusal(_ refused: ImageRefusal) {
        refusal = refused
        refusals += 1
        if readyAhead == refused.version { readyAhead = nil }
    }

    private mutating func run(_ container: WorkerContainer) -> [SupervisorAction] {
        phase = .running(container)
        prefetched = []
        if readyAhead == container.version { readyAhead = nil }
        return [.follow(container), .report(.ready), .report(.status(Self.running(container)))] + pullAhead(for: container)
    }

    /// The version of the worker container this supervisor runs (the first, while several
    /// drain), if one runs.
    public static func runningVersion(_ phase: SupervisorPhase) -> String? {
        switch phase {
        case .running(let container, _): container.version
        case .draining(let containers, _), .stopping(let containers, _): containers.first?.version
        default: nil
        }
    }

    private static func running(_ container: WorkerContainer) -> String {
        "running lava-worker \(container.version) in \(container.name)"
    }

    private static func names(_ containers: [WorkerContainer]) -> String {
        containers.map(\.name).joined(separator: ", ")
    }

    private mutating func exited(_ container: WorkerContainer, status: Int32) -> [SupervisorAction] {
        let remove = SupervisorAction.remove(id: container.id)
        switch WorkerExit(rawValue: status) {
        case .versionMismatch:
            // Ask whether the server really changed before starting again.
            phase = .confirmingUpgrade(from: container)
            return [remove, .report(.status("the worker exited (\(status)): asking the server's version again")), .askServer]
        case .stopped:
            crashes = 0
            return [remove, .report(.status("the worker exited (0): asking the server's version again"))] + ask()
        case .fatal, nil:
            crashes += 1
            return [remove] + pause("the worker exited with status \(status) (\(crashes) in a row)", failures: crashes)
        }
    }

    /// Waits after the `failures`-th failure in a row, twice as long each time. Without jitter (the
    /// machine stays deterministic): one host's crash loop does not need spreading.
    private mutating func pause(_ reason: String, failures: Int) -> [SupervisorAction] {
        let delay = max(RetryDelay(ceiling: policy.maximumRetryPause).after(failures: failures + 2, random: 1), policy.retryPause)
        phase = .pausing(reason: reason)
        return [.report(.warning("\(reason); trying again in \(delay.components.seconds) s")), .startRetryTimer(delay)]
    }

    /// SIGTERM or SIGINT (graceful shutdown): the worker gets SIGTERM and finishes its jobs
    /// (`--wait-jobs`); without a worker the supervisor ends now (what is in flight is cancelled).
    private mutating func stop() -> [SupervisorAction] {
        stopRequests += 1
        let first: [SupervisorAction] = stopRequests == 1 ? [.report(.stopping)] : []
        switch phase {
        case .running(let container, _):
            phase = .stopping([container])
            return first + [.report(.status("stopping: SIGTERM to the worker container \(container.name), which finishes its jobs")),
                            .signal(id: container.id, .terminate)]
        case .draining(let containers, _):
            // They have SIGTERM already: a second one would make their lava-worker stop at once.
            phase = .stopping(containers)
            return first + [.report(.status("stopping once \(Self.names(containers)) \(containers.count == 1 ? "has" : "have") "
                                + "finished their jobs"))]
        case .starting(let version, _):
            phase = .stopping([], awaiting: .creation(version: version))
            return first + [.report(.status("stopping once the worker container is created"))]
        case .inspecting:
            phase = .stopping([], awaiting: .containerList)
            return first + [.report(.status("stopping once this worker's containers are listed"))]
        case .stopping:
            return first
        default:
            return first + finish()
        }
    }

    /// A second SIGTERM, or `--stop-timeout` over (cancellation): the workers are killed and the
    /// supervisor ends without waiting. A container still being created is discarded: this
    /// supervisor's containers of its version are removed, whether or not the engine made it.
    private mutating func kill() -> [SupervisorAction] {
        var containers: [WorkerContainer] = []
        var creating: String?
        switch phase {
        case .running(let container, _): containers = [container]
        case .draining(let all, _): containers = all
        case .stopping(let all, let awaiting):
            containers = all
            if case .creation(let version) = awaiting { creating = version }
        case .starting(let version, _): creating = version
        default: break
        }
        phase = .stopped
        var actions: [SupervisorAction] = []
        for container in containers {
            actions += [.report(.status("killing the worker container \(container.name)")), .signal(id: container.id, .kill),
                        .remove(id: container.id)]
        }
        if let creating { actions.append(.discardCreated(version: creating)) }
        return actions + [.report(.status("stopped")), .finish]
    }

    private mutating func finish() -> [SupervisorAction] {
        phase = .stopped
        return [.report(.status("stopped")), .finish]
    }

    private mutating func fail(_ error: SupervisorError) -> [SupervisorAction] {
        phase = .failed(error)
        return [.finish]
    }
}
