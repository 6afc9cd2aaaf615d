import DockerEngine
import DockerWorker
import LavaCore
import Testing

/// Every transition of the supervisor's machine, without an engine or a server.
@Suite struct SupervisorMachineTests {
    static let old = "2026.11"
    static let new = "2026.12"
    static let oldWorker = WorkerContainer(id: "c-old", name: "lava-worker-2026.11-aaaaa", version: old, image: "w:2026.11")
    static let newWorker = WorkerContainer(id: "c-new", name: "lava-worker-2026.12-bbbbb", version: new, image: "w:2026.12",
                                           startedHere: true)

    /// A machine that has asked the server its version.
    static func asking() -> SupervisorMachine {
        var machine = SupervisorMachine()
        #expect(SupervisorMachine.firstActions == [.pingEngine])
        #expect(machine.handle(.engineAnswered) == [.askServer])
        #expect(machine.phase == .askingVersion)
        return machine
    }

    /// Answers from the server (at `version`), the engine (no container) and the image, up to the start.
    static func prepare(_ machine: inout SupervisorMachine, version: String, image: String) {
        _ = machine.handle(.serverAnswered(VersionResponse(version: version)))
        _ = machine.handle(.containersFound([]))
        _ = machine.handle(.imageReady(image))
        _ = machine.handle(.imageBuilt(image))
        #expect(machine.phase == .starting(version: version, image: image))
    }

    /// A machine running `container`, started from its image at the server's version.
    static func running(_ container: WorkerContainer = newWorker) -> SupervisorMachine {
        var machine = asking()
        prepare(&machine, version: container.version, image: container.image)
        _ = machine.handle(.containerStarted(container))
        #expect(machine.phase == .running(container))
        return machine
    }

    static func warnings(_ actions: [SupervisorAction]) -> [String] {
        actions.compactMap { if case .report(.warning(let text)) = $0 { text } else { nil } }
    }

    static func retryDelay(_ actions: [SupervisorAction]) -> Duration? {
        actions.lazy.compactMap { if case .startRetryTimer(let delay) = $0 { delay } else { nil } }.first
    }

    @Test("no engine: the supervisor fails with the engine's error")
    func noEngine() {
        var machine = SupervisorMachine()
        #expect(machine.handle(.engineFailed(.socketMissing(path: "/x"))) == [.finish])
        #expect(machine.phase == .failed(.docker(.socketMissing(path: "/x"))))
        #expect(machine.isFinished)
    }

    @Test("first start: version, containers, image, build, start, run; the server's contact is reported each time")
    func firstStart() {
        var machine = Self.asking()
        #expect(machine.handle(.serverAnswered(VersionResponse(version: Self.new))) == [.report(.serverContact), .listContainers])
        #expect(machine.phase == .inspecting(VersionResponse(version: Self.new)))
        #expect(machine.handle(.containersFound([])) == [.getImage(version: Self.new)])
        #expect(machine.phase == .gettingImage(version: Self.new))
        #expect(machine.handle(.imageReady("w:2026.12")) == [.build(base: "w:2026.12")])
        #expect(machine.phase == .building(version: Self.new, base: "w:2026.12"))
        #expect(machine.handle(.imageBuilt("w:2026.12.customized")) == [.start(version: Self.new, image: "w:2026.12.customized")])
        #expect(machine.phase == .starting(version: Self.new, image: "w:2026.12.customized"))
        let actions = machine.handle(.containerStarted(Self.newWorker))
        #expect(actions.prefix(2) == [.follow(Self.newWorker), .report(.ready)])
        #expect(!actions.contains { if case .removeOldImages = $0 { true } else { false } }, "no old image on a first start")
        #expect(machine.phase == .running(Self.newWorker))
        #expect(machine.starts == 1)
    }

    @Test("stopped containers are removed; a running one of the server's version is adopted, not started again")
    func adoptsSameVersion() {
        var machine = Self.asking()
        _ = machine.handle(.serverAnswered(VersionResponse(version: Self.old)))
        var dead = Self.newWorker
        dead.isRunning = false
        let actions = machine.handle(.containersFound([dead, Self.oldWorker]))
        #expect(actions.first == .remove(id: dead.id))
        #expect(actions.contains(.follow(Self.oldWorker)))
        #expect(actions.contains(.report(.ready)))
        #expect(!actions.contains { if case .prefetch = $0 { true } else { false } })
        #expect(machine.phase == .running(Self.oldWorker))
        #expect(machine.starts == 0)
    }

    @Test("a running worker of a version the server still accepts (version policy) is adopted, and the server's version pulled ahead")
    func adoptsAcceptedVersion() {
        var machine = Self.asking()
        _ = machine.handle(.serverAnswered(VersionResponse(version: Self.new, acceptedWorkerVersions: [Self.old])))
        let actions = machine.handle(.containersFound([Self.oldWorker]))
        #expect(actions.contains(.follow(Self.oldWorker)))
        #expect(actions.contains(.prefetch(version: Self.new)))
        #expect(machine.phase == .running(Self.oldWorker))
        // Its later exit for a mismatch (the policy changed) is an upgrade.
        #expect(machine.handle(.containerExited(id: Self.oldWorker.id, status: 75)).last == .askServer)
        _ = machine.handle(.serverAnswered(VersionResponse(version: Self.new)))
        #expect(machine.phase == .inspecting(VersionResponse(version: Self.new)))
        #expect(machine.crashes == 0)
    }

    @Test("two running workers, both accepted: both drain (two of one name would take each other's jobs for lost), then one starts")
    func drainsSeveral() {
        var machine = Self.asking()
        _ = machine.handle(.serverAnswered(VersionResponse(version: Self.new, acceptedWorkerVersions: [Self.old])))
        var own = Self.newWorker
        own.startedHere = false
        let actions = machine.handle(.containersFound([Self.oldWorker, own]))
        #expect(actions.contains(.follow(Self.oldWorker)) && actions.contains(.follow(own)))
        #expect(actions.contains(.signal(id: Self.oldWorker.id, .terminate)) && actions.contains(.signal(id: own.id, .terminate)))
        #expect(!actions.contains(.report(.ready)))
        #expect(machine.phase == .draining([Self.oldWorker, own], next: Self.new))
        // One exit is not enough: the other still works.
        #expect(machine.handle(.containerExited(id: own.id, status: 0)) == [
            .remove(id: own.id),
            .report(.status("the worker container \(own.name) exited (0) after its jobs; waiting for \(Self.oldWorker.name)")),
        ])
        #expect(machine.phase == .draining([Self.oldWorker], next: Self.new))
        #expect(machine.handle(.containerExited(id: Self.oldWorker.id, status: 0)).last == .askServer)
        #expect(machine.phase == .askingVersion)
        _ = machine.handle(.serverAnswered(VersionResponse(version: Self.new)))
        #expect(machine.handle(.containersFound([])) == [.getImage(version: Self.new)])
    }

    @Test("a running worker of a version the server refuses drains first; the new image is pulled meanwhile; then the version is asked again")
    func drainsRefusedVersion() {
        var machine = Self.asking()
        _ = machine.handle(.serverAnswered(VersionResponse(version: Self.new)))
        let actions = machine.handle(.containersFound([Self.oldWorker]))
        #expect(actions.contains(.follow(Self.oldWorker)))
        #expect(actions.contains(.signal(id: Self.oldWorker.id, .terminate)))
        #expect(actions.contains(.prefetch(version: Self.new)))
        #expect(!actions.contains(.report(.ready)))
        #expect(machine.phase == .draining([Self.oldWorker], next: Self.new))
        // The same news again pulls nothing more.
        #expect(machine.handle(.serverAnswered(VersionResponse(version: Self.new))) == [.report(.serverContact)])
        #expect(machine.handle(.containerExited(id: Self.oldWorker.id, status: 75)) == [
            .remove(id: Self.oldWorker.id),
            .report(.status("the worker of \(Self.old) exited (75) after its jobs: asking the server's version again")), .askServer,
        ])
        #expect(machine.phase == .askingVersion)
    }

    @Test("while draining, a newer server version is pulled ahead instead")
    func drainingFollowsNews() {
        var machine = Self.asking()
        _ = machine.handle(.serverAnswered(VersionResponse(version: Self.new)))
        _ = machine.handle(.containersFound([Self.oldWorker]))
        let actions = machine.handle(.serverAnswered(VersionResponse(version: "2027.01")))
        #expect(actions.contains(.prefetch(version: "2027.01")))
        #expect(machine.phase == .draining([Self.oldWorker], next: "2027.01"))
    }

    @Test("while running, a server that no longer accepts the worker: SIGTERM now (it finishes its jobs), the new image pulled meanwhile, then the version asked again")
    func drainWhenRefused() {
        var machine = Self.running()
        #expect(machine.handle(.serverAnswered(VersionResponse(version: Self.new))) == [.report(.serverContact)])
        let actions = machine.handle(.serverAnswered(VersionResponse(version: "2027.01")))
        #expect(actions.contains(.signal(id: Self.newWorker.id, .terminate)))
        #expect(actions.contains(.prefetch(version: "2027.01")))
        #expect(machine.phase == .draining([Self.newWorker], next: "2027.01"))
        #expect(machine.handle(.serverAnswered(VersionResponse(version: "2027.01"))) == [.report(.serverContact)],
                "told once, pulled once")
        #expect(machine.handle(.containerExited(id: Self.newWorker.id, status: 0)) == [
            .remove(id: Self.newWorker.id),
            .report(.status("the worker of \(Self.new) exited (0) after its jobs: asking the server's version again")), .askServer,
        ])
        #expect(machine.crashes == 0)
    }

    @Test("while running, a new server version that still accepts the worker (version policy) is pulled ahead once; the worker keeps running")
    func prefetchWhileRunning() {
        var machine = Self.running()
        let newer = VersionResponse(version: "2027.01", acceptedWorkerVersions: [Self.new])
        let actions = machine.handle(.serverAnswered(newer))
        #expect(actions.contains(.prefetch(version: "2027.01")))
        #expect(!actions.contains(.signal(id: Self.newWorker.id, .terminate)))
        #expect(machine.handle(.serverAnswered(newer)) == [.report(.serverContact)])
        #expect(machine.phase == .running(Self.newWorker))
    }

    @Test("exit 75 after a real upgrade: no crash, the new version starts, the previous image is kept and older ones removed")
    func upgrade() {
        var machine = Self.running(Self.oldWorker)
        let exit = machine.handle(.containerExited(id: Self.oldWorker.id, status: 75))
        #expect(exit.first == .remove(id: Self.oldWorker.id))
        #expect(exit.last == .askServer)
        #expect(machine.handle(.serverAnswered(VersionResponse(version: Self.new))).last == .listContainers)
        _ = machine.handle(.containersFound([]))
        _ = machine.handle(.imageReady("w:2026.12"))
        _ = machine.handle(.imageBuilt("w:2026.12"))
        let actions = machine.handle(.containerStarted(Self.newWorker))
        #expect(actions.contains(.removeOldImages(keeping: "w:2026.12", previous: "w:2026.11")))
        #expect(machine.crashes == 0)
        #expect(machine.starts == 2)
    }

    @Test("exit 75 while the server still accepts that version: the image lies about its version; a growing pause, not a loop")
    func lyingImage() {
        var machine = Self.running(Self.oldWorker)
        var delays: [Duration] = []
        for round in 1 ... 3 {
            _ = machine.handle(.containerExited(id: Self.oldWorker.id, status: 75))
            let actions = machine.handle(.serverAnswered(VersionResponse(version: Self.old)))
            #expect(Self.warnings(actions).first?.contains("really hold lava-worker 2026.11") == true)
            #expect(machine.crashes == round)
            guard case .pausing = machine.phase, let delay = Self.retryDelay(actions) else {
                Issue.record("no pause after round \(round): \(machine.phase)")
                return
            }
            delays.append(delay)
            #expect(machine.handle(.retryTimerFired) == [.askServer])
            Self.prepare(&machine, version: Self.old, image: Self.oldWorker.image)
            _ = machine.handle(.containerStarted(Self.oldWorker))
        }
        #expect(delays[0] < delays[1] && delays[1] < delays[2], "\(delays)")
    }

    @Test("a crash (status 1, or a signal's 137) pauses longer each time in a row; exit 0 resets the count")
    func crashes() {
        var machine = Self.running()
        let first = machine.handle(.containerExited(id: Self.newWorker.id, status: 1))
        #expect(first.first == .remove(id: Self.newWorker.id))
        #expect(Self.warnings(first).first?.contains("status 1 (1 in a row)") == true)
        #expect(machine.crashes == 1)
        _ = machine.handle(.retryTimerFired)
        Self.prepare(&machine, version: Self.new, image: Self.newWorker.image)
        _ = machine.handle(.containerStarted(Self.newWorker))
        _ = machine.handle(.containerExited(id: Self.newWorker.id, status: 137))
        #expect(machine.crashes == 2)
        _ = machine.handle(.retryTimerFired)
        _ = machine.handle(.serverAnswered(VersionResponse(version: Self.new)))
        _ = machine.handle(.containersFound([Self.newWorker]))
        #expect(machine.handle(.containerExited(id: Self.newWorker.id, status: 0)).last == .askServer)
        #expect(machine.crashes == 0)
    }

    @Test("an image not published yet: a growing pause, then the version is asked again; an image had resets the count")
    func imageMissing() {
        var machine = Self.asking()
        _ = machine.handle(.serverAnswered(VersionResponse(version: Self.new)))
        _ = machine.handle(.containersFound([]))
        let actions = machine.handle(.imageMissing(version: Self.new, reason: "manifest unknown"))
        #expect(Self.warnings(actions).first?.hasPrefix("no worker image for 2026.12 yet (manifest unknown)") == true)
        #expect(machine.imageFailures == 1)
        #expect(machine.handle(.retryTimerFired) == [.askServer])
        _ = machine.handle(.serverAnswered(VersionResponse(version: Self.new)))
        _ = machine.handle(.containersFound([]))
        _ = machine.handle(.imageReady("w:2026.12"))
        #expect(machine.imageFailures == 0)
    }

    @Test("what no retry mends ends the supervisor: a failed build, a failed start, no image name, a server that is not LAVA")
    func fatal() {
        var building = Self.asking()
        _ = building.handle(.serverAnswered(VersionResponse(version: Self.new)))
        _ = building.handle(.containersFound([]))
        _ = building.handle(.imageReady("w"))
        #expect(building.handle(.buildFailed("RUN false")) == [.finish])
        #expect(building.phase == .failed(.buildFailed("RUN false")))

        var starting = Self.asking()
        Self.prepare(&starting, version: Self.new, image: "w")
        #expect(starting.handle(.startFailed(.setup("no dir"))) == [.finish])
        #expect(starting.phase == .failed(.setup("no dir")))

        var naming = Self.asking()
        _ = naming.handle(.serverAnswered(VersionResponse(version: "2026.07.dev1")))
        _ = naming.handle(.containersFound([]))
        #expect(naming.handle(.unusable(.unsupportedArchitecture("riscv64"))) == [.finish])

        var notLAVA = Self.asking()
        #expect(notLAVA.handle(.serverNotLAVA(url: "http://x")) == [.finish])
        #expect(notLAVA.phase == .failed(.notLAVA(url: "http://x")))
        // Once running, a bad answer of the server is not a reason to leave the worker.
        var running = Self.running()
        #expect(running.handle(.serverNotLAVA(url: "http://x")) == [])
        #expect(running.phase == .running(Self.newWorker))
    }

    @Test("server unreachable: said in the status while asking and while the worker runs, which goes on; its answer restores the status")
    func unreachable() {
        var machine = Self.asking()
        let actions = machine.handle(.serverUnreachable(since: "2026-12-02T10:00:00", failures: 3, nextTry: .seconds(20)))
        #expect(actions == [.report(.status("server unreachable since 2026-12-02T10:00:00; next try in 20 s"))])
        #expect(machine.phase == .askingVersion)

        var running = Self.running()
        let worker = Self.newWorker
        #expect(running.handle(.serverUnreachable(since: "x", failures: 1, nextTry: .seconds(5)))
            == [.report(.status("running lava-worker \(worker.version) in \(worker.name); server unreachable since x; next try in 5 s"))])
        #expect(running.phase == .running(worker, serverUnreachable: true))
        let answered = running.handle(.serverAnswered(VersionResponse(version: worker.version)))
        #expect(answered == [.report(.serverContact), .report(.status("running lava-worker \(worker.version) in \(worker.name)"))])
        #expect(running.handle(.serverAnswered(VersionResponse(version: worker.version))) == [.report(.serverContact)],
                "the status is said again only after it changed")
    }

    @Test("a stop while a worker runs: SIGTERM, it drains, its exit ends the supervisor; a kill then is SIGKILL at once")
    func stopRunning() {
        var machine = Self.running()
        let stop = machine.handle(.stopRequested)
        #expect(stop.first == .report(.stopping))
        #expect(stop.last == .signal(id: Self.newWorker.id, .terminate))
        #expect(machine.phase == .stopping([Self.newWorker]))
        // The server's news changes nothing now.
        #expect(machine.handle(.serverAnswered(VersionResponse(version: "2027.01"))) == [.report(.serverContact)])
        #expect(machine.handle(.containerExited(id: Self.newWorker.id, status: 0)).last == .finish)
        #expect(machine.phase == .stopped)
        #expect(machine.handle(.killRequested) == [])
        #expect(machine.handle(.serverAnswered(VersionResponse(version: Self.new))) == [], "nothing after the end")

        var killed = Self.running()
        _ = killed.handle(.stopRequested)
        let kill = killed.handle(.killRequested)
        #expect(kill.contains(.signal(id: Self.newWorker.id, .kill)))
        #expect(kill.last == .finish)
        #expect(killed.phase == .stopped)
    }

    @Test("a stop while draining another version's worker waits for that one, without a second SIGTERM (which would stop it at once)")
    func stopDraining() {
        var machine = Self.asking()
        _ = machine.handle(.serverAnswered(VersionResponse(version: Self.new)))
        _ = machine.handle(.containersFound([Self.oldWorker]))
        let actions = machine.handle(.stopRequested)
        #expect(!actions.contains { if case .signal = $0 { true } else { false } }, "\(actions)")
        #expect(machine.phase == .stopping([Self.oldWorker]))
        #expect(machine.handle(.containerExited(id: Self.oldWorker.id, status: 0)).contains(.finish))
    }

    @Test("a stop while the container is being created reaches it once it exists; a failed start then just ends")
    func stopStarting() {
        var machine = Self.asking()
        Self.prepare(&machine, version: Self.new, image: "w")
        _ = machine.handle(.stopRequested)
        #expect(machine.phase == .stopping([], awaiting: .creation(version: Self.new)))
        #expect(machine.handle(.containerStarted(Self.newWorker)) == [.follow(Self.newWorker), .signal(id: Self.newWorker.id, .terminate)])
        #expect(machine.phase == .stopping([Self.newWorker]))
        #expect(machine.handle(.containerExited(id: Self.newWorker.id, status: 0)).last == .finish)

        var failing = Self.asking()
        Self.prepare(&failing, version: Self.new, image: "w")
        _ = failing.handle(.stopRequested)
        #expect(failing.handle(.startFailed(.setup("x"))).last == .finish)
        #expect(failing.phase == .stopped, "a stop is not a failure")
    }

    @Test("a stop with no worker (asking, pulling, building, pausing) ends at once; late answers are ignored")
    func stopWithoutWorker() {
        var asking = Self.asking()
        #expect(asking.handle(.stopRequested) == [.report(.stopping), .report(.status("stopped")), .finish])
        #expect(asking.phase == .stopped)
        #expect(asking.handle(.serverAnswered(VersionResponse(version: Self.new))) == [])
        #expect(asking.phase == .stopped)

        var pulling = Self.asking()
        _ = pulling.handle(.serverAnswered(VersionResponse(version: Self.new)))
        _ = pulling.handle(.containersFound([]))
        _ = pulling.handle(.stopRequested)
        #expect(pulling.handle(.imageReady("w")) == [])
        #expect(pulling.phase == .stopped)

        var pausing = Self.running()
        _ = pausing.handle(.containerExited(id: Self.newWorker.id, status: 1))
        _ = pausing.handle(.stopRequested)
        #expect(pausing.handle(.retryTimerFired) == [])
        #expect(pausing.phase == .stopped)
    }

    @Test("answers about another container, or to an earlier phase, change nothing")
    func staleEvents() {
        var machine = Self.running()
        #expect(machine.handle(.containerExited(id: "someone-else", status: 1)) == [])
        #expect(machine.handle(.imageReady("w")) == [])
        #expect(machine.handle(.containersFound([])) == [])
        #expect(machine.handle(.retryTimerFired) == [])
        #expect(machine.phase == .running(Self.newWorker))
    }
}

/// Transitions of less travelled paths: news that does not fit the phase.
@Suite struct SupervisorMachineOddEventTests {
    typealias T = SupervisorMachineTests

    @Test("what no retry mends ends the supervisor in any phase, a running worker's too (systemd restarts it; it adopts)")
    func unusableEverywhere() {
        var running = T.running()
        #expect(running.handle(.unusable(.docker(.socketMissing(path: "/x")))) == [.finish])
        #expect(running.phase == .failed(.docker(.socketMissing(path: "/x"))))
        var inspecting = T.asking()
        _ = inspecting.handle(.serverAnswered(VersionResponse(version: T.new)))
        #expect(inspecting.handle(.unusable(.docker(.socketMissing(path: "/x")))) == [.finish])
        #expect(inspecting.isFinished)
    }

    @Test("the server unreachable while pulling, building or draining: nothing to say or do (the monitor retries)")
    func unreachableElsewhere() {
        let lost = SupervisorEvent.serverUnreachable(since: "x", failures: 1, nextTry: .seconds(5))
        var pulling = T.asking()
        _ = pulling.handle(.serverAnswered(VersionResponse(version: T.new)))
        _ = pulling.handle(.containersFound([]))
        #expect(pulling.handle(lost) == [])
        #expect(pulling.phase == .gettingImage(version: T.new))
        var draining = T.asking()
        _ = draining.handle(.serverAnswered(VersionResponse(version: T.new)))
        _ = draining.handle(.containersFound([T.oldWorker]))
        #expect(draining.handle(lost) == [])
        #expect(draining.phase == .draining([T.oldWorker], next: T.new))
    }

    @Test("after exit 75 the server's version is confirmed: unreachable is said, a server that is not LAVA ends it, a stop ends it")
    func confirmingUpgrade() {
        var machine = T.running(T.oldWorker)
        #expect(machine.handle(.containerExited(id: T.oldWorker.id, status: 75)) == [
            .remove(id: T.oldWorker.id), .report(.status("the worker exited (75): asking the server's version again")), .askServer,
        ])
        #expect(machine.phase == .confirmingUpgrade(from: T.oldWorker))
        #expect(machine.handle(.serverUnreachable(since: "x", failures: 1, nextTry: .seconds(5)))
            == [.report(.status("server unreachable since x; next try in 5 s"))])
        #expect(machine.phase == .confirmingUpgrade(from: T.oldWorker))
        var notLAVA = machine
        #expect(notLAVA.handle(.serverNotLAVA(url: "http://x")) == [.finish])
        #expect(notLAVA.phase == .failed(.notLAVA(url: "http://x")))
        var stopped = machine
        #expect(stopped.handle(.stopRequested).last == .finish)
        #expect(stopped.phase == .stopped)
        // The answer of a server that moved on: an upgrade, so no crash is counted.
        #expect(machine.handle(.serverAnswered(VersionResponse(version: T.new))) == [.report(.serverContact), .listContainers])
        #expect(machine.crashes == 0)
    }
}
