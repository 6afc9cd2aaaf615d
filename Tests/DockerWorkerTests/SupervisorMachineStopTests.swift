import DockerEngine
import DockerWorker
import LavaCore
import Testing

/// A stop and a kill in every phase of the supervisor's machine.
@Suite struct SupervisorMachineStopTests {
    typealias T = SupervisorMachineTests

    /// A machine in each phase a stop or a kill can find it in, with what a kill must end.
    static func machines() -> [(name: String, machine: SupervisorMachine, killed: [String], discarded: String?)] {
        var result: [(String, SupervisorMachine, [String], String?)] = []
        var machine = SupervisorMachine()
        result.append(("checking-engine", machine, [], nil))
        machine = T.asking()
        result.append(("asking-version", machine, [], nil))
        var confirming = T.running(T.oldWorker)
        _ = confirming.handle(.containerExited(id: T.oldWorker.id, status: 75))
        result.append(("confirming-upgrade", confirming, [], nil))
        _ = machine.handle(.serverAnswered(VersionResponse(version: T.new)))
        result.append(("inspecting", machine, [], nil))
        _ = machine.handle(.containersFound([]))
        result.append(("getting-image", machine, [], nil))
        _ = machine.handle(.imageReady("w"))
        result.append(("building", machine, [], nil))
        _ = machine.handle(.imageBuilt("w"))
        result.append(("starting", machine, [], T.new))
        result.append(("running", T.running(), [T.newWorker.id], nil))
        var draining = T.asking()
        _ = draining.handle(.serverAnswered(VersionResponse(version: T.new)))
        _ = draining.handle(.containersFound([T.oldWorker, T.newWorker]))
        result.append(("draining", draining, [T.oldWorker.id, T.newWorker.id], nil))
        var pausing = T.running()
        _ = pausing.handle(.containerExited(id: T.newWorker.id, status: 1))
        result.append(("pausing", pausing, [], nil))
        var stoppingCreation = T.asking()
        T.prepare(&stoppingCreation, version: T.new, image: "w")
        _ = stoppingCreation.handle(.stopRequested)
        result.append(("stopping", stoppingCreation, [], T.new))
        var stopping = T.running()
        _ = stopping.handle(.stopRequested)
        result.append(("stopping", stopping, [T.newWorker.id], nil))
        return result.map { (name: $0.0, machine: $0.1, killed: $0.2, discarded: $0.3) }
    }

    @Test("the machines below are in the phases they are named after")
    func phases() {
        for entry in Self.machines() { #expect(entry.machine.phase.name == entry.name) }
        let covered = Set(Self.machines().map(\.name))
        #expect(covered == Set(SupervisorPhase.names).subtracting(["stopped", "failed"]), "every phase but the end")
    }

    @Test("a kill in any phase: SIGKILL and removal of each container, a container being created discarded, then the end")
    func killEverywhere() {
        for entry in Self.machines() {
            var machine = entry.machine
            let actions = machine.handle(.killRequested)
            let killed = actions.compactMap { if case .signal(let id, .kill) = $0 { id } else { nil } }
            let removed = actions.compactMap { if case .remove(let id) = $0 { id } else { nil } }
            let discarded = actions.compactMap { if case .discardCreated(let version) = $0 { version } else { nil } }
            #expect(killed == entry.killed, "\(entry.name)")
            #expect(removed == entry.killed, "\(entry.name)")
            #expect(discarded == (entry.discarded.map { [$0] } ?? []), "\(entry.name)")
            #expect(actions.last == .finish, "\(entry.name)")
            #expect(machine.phase == .stopped, "\(entry.name)")
            #expect(machine.handle(.killRequested) == [], "\(entry.name): a second kill does nothing")
        }
    }

    @Test("a second stop request: no second STOPPING=1, no second SIGTERM (it would stop the worker's lava-worker at once)")
    func secondStop() {
        for entry in Self.machines() {
            var machine = entry.machine
            _ = machine.handle(.stopRequested)
            let again = machine.handle(.stopRequested)
            #expect(!again.contains(.report(.stopping)), "\(entry.name)")
            #expect(!again.contains { if case .signal = $0 { true } else { false } }, "\(entry.name): \(again)")
        }
    }

    @Test("a stop while several containers drain ends once the last has exited")
    func stopSeveral() throws {
        var machine = try #require(Self.machines().first { $0.name == "draining" }).machine
        _ = machine.handle(.stopRequested)
        #expect(machine.phase == .stopping([T.oldWorker, T.newWorker]))
        #expect(machine.handle(.containerExited(id: T.oldWorker.id, status: 0)) == [.remove(id: T.oldWorker.id)])
        #expect(machine.handle(.containerExited(id: T.newWorker.id, status: 0)).last == .finish)
        #expect(machine.phase == .stopped)
    }

    @Test("a stop while the container is being created, whose start then fails: the end")
    func stopCreatingWithFailedStart() throws {
        var machine = try #require(Self.machines().first { $0.name == "stopping" && $0.killed.isEmpty }).machine
        #expect(machine.handle(.startFailed(.setup("x"))).last == .finish)
        #expect(machine.phase == .stopped)
    }

    @Test("a stop while this worker's containers are listed: the running ones get SIGTERM and the end waits for them; none, the end")
    func stopListing() {
        var machine = T.asking()
        _ = machine.handle(.serverAnswered(VersionResponse(version: T.new)))
        _ = machine.handle(.stopRequested)
        #expect(machine.phase == .stopping([], awaiting: .containerList))
        var dead = T.oldWorker
        dead.isRunning = false
        let actions = machine.handle(.containersFound([dead, T.newWorker]))
        #expect(actions.first == .remove(id: dead.id))
        #expect(actions.suffix(2) == [.follow(T.newWorker), .signal(id: T.newWorker.id, .terminate)])
        #expect(machine.phase == .stopping([T.newWorker]))
        #expect(machine.handle(.containerExited(id: T.newWorker.id, status: 0)).last == .finish)

        var empty = T.asking()
        _ = empty.handle(.serverAnswered(VersionResponse(version: T.new)))
        _ = empty.handle(.stopRequested)
        #expect(empty.handle(.containersFound([])).last == .finish)
        #expect(empty.phase == .stopped)
    }
}
