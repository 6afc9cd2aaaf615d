@testable import DockerWorker
import Foundation
import LavaCore
import Testing

/// The metrics of each supervisor phase and event, their Prometheus text, and `status`'s text
/// of them, without an engine, a server or a socket.
@Suite struct SupervisorMetricsTests {
    static let contact = Date(timeIntervalSince1970: 1_800_000_000)

    /// `metrics` after each of `events`, fed to `machine` as the Supervisor feeds them.
    static func feed(_ events: [SupervisorEvent], to machine: inout SupervisorMachine, metrics: SupervisorMetrics) {
        for event in events {
            _ = machine.handle(event)
            metrics.record(machine, after: event, at: contact)
        }
    }

    static func startEvents(_ container: WorkerContainer) -> [SupervisorEvent] {
        [.engineAnswered, .serverAnswered(VersionResponse(version: container.version)), .containersFound([]),
         .imageReady(container.image), .imageBuilt(container.image), .containerStarted(container)]
    }

    @Test("before any event: checking the engine, no versions but its own, nothing counted, the jobs counted at the scrape")
    func start() {
        let metrics = SupervisorMetrics(version: "2026.11") { 3 }
        let samples = PrometheusSample.parse(metrics.render())
        for name in SupervisorPhase.names {
            #expect(samples.value(SupervisorMetrics.phase, ["phase": name]) == (name == "checking-engine" ? 1 : 0), "\(name)")
        }
        #expect(samples.label("version", of: SupervisorMetrics.info) == "2026.11")
        #expect(samples.value(SupervisorMetrics.workerVersion) == nil)
        #expect(samples.value(SupervisorMetrics.serverVersion) == nil)
        #expect(samples.value(SupervisorMetrics.containerStarts) == 0)
        #expect(samples.value(SupervisorMetrics.imagePulls, ["result": "pulled"]) == 0)
        #expect(samples.value(SupervisorMetrics.lastServerContact) == 0)
        #expect(samples.value(SupervisorMetrics.jobsRunning) == 3)
    }

    @Test("running: the phase, both versions, one start, the server's answer as the last contact")
    func running() {
        let metrics = SupervisorMetrics()
        var machine = SupervisorMachine()
        Self.feed(Self.startEvents(SupervisorMachineTests.newWorker), to: &machine, metrics: metrics)
        let samples = PrometheusSample.parse(metrics.render())
        #expect(samples.label("phase", of: SupervisorMetrics.phase) == "running")
        #expect(samples.filter { $0.name == SupervisorMetrics.phase && $0.value == 1 }.count == 1)
        #expect(samples.label("version", of: SupervisorMetrics.workerVersion) == SupervisorMachineTests.new)
        #expect(samples.label("version", of: SupervisorMetrics.serverVersion) == SupervisorMachineTests.new)
        #expect(samples.value(SupervisorMetrics.containerStarts) == 1)
        #expect(samples.value(SupervisorMetrics.crashes) == 0)
        #expect(samples.value(SupervisorMetrics.lastServerContact) == Self.contact.timeIntervalSince1970)
        // No job database could be read: not a number rather than a false 0.
        #expect(samples.value(SupervisorMetrics.jobsRunning)?.isNaN == true)
    }

    @Test("a new server version replaces the old label; a crash and a restart count; the worker's version goes while none runs")
    func changes() {
        let metrics = SupervisorMetrics()
        var machine = SupervisorMachine()
        let worker = SupervisorMachineTests.newWorker
        Self.feed(Self.startEvents(worker), to: &machine, metrics: metrics)
        Self.feed([.serverAnswered(VersionResponse(version: "2027.01", acceptedWorkerVersions: [worker.version]))],
                  to: &machine, metrics: metrics)
        var samples = PrometheusSample.parse(metrics.render())
        #expect(samples.filter { $0.name == SupervisorMetrics.serverVersion }.map(\.labels) == [["version": "2027.01"]])

        Self.feed([.containerExited(id: worker.id, status: 1)], to: &machine, metrics: metrics)
        samples = PrometheusSample.parse(metrics.render())
        #expect(samples.label("phase", of: SupervisorMetrics.phase) == "pausing")
        #expect(samples.value(SupervisorMetrics.crashes) == 1)
        #expect(samples.value(SupervisorMetrics.workerVersion) == nil)

        Self.feed([.retryTimerFired, .serverAnswered(VersionResponse(version: worker.version)), .containersFound([]),
                   .imageReady(worker.image), .imageBuilt(worker.image), .containerStarted(worker)], to: &machine, metrics: metrics)
        samples = PrometheusSample.parse(metrics.render())
        #expect(samples.label("phase", of: SupervisorMetrics.phase) == "running")
        #expect(samples.value(SupervisorMetrics.containerStarts) == 2)
        #expect(samples.filter { $0.name == SupervisorMetrics.workerVersion }.map(\.labels) == [["version": worker.version]])
    }

    @Test("pulls: counted by result, the duration of those that pulled in the histogram")
    func pulls() {
        let metrics = SupervisorMetrics()
        metrics.pull(took: .seconds(42), succeeded: true)
        metrics.pull(took: .seconds(3), succeeded: false)
        let samples = PrometheusSample.parse(metrics.render())
        #expect(samples.value(SupervisorMetrics.imagePulls, ["result": "pulled"]) == 1)
        #expect(samples.value(SupervisorMetrics.imagePulls, ["result": "failed"]) == 1)
        #expect(samples.value(SupervisorMetrics.pullDuration + "_count") == 1)
        #expect(samples.value(SupervisorMetrics.pullDuration + "_sum") == 42)
        #expect(samples.value(SupervisorMetrics.pullDuration + "_bucket", ["le": "60.0"]) == 1)
        #expect(samples.value(SupervisorMetrics.pullDuration + "_bucket", ["le": "30.0"]) == 0)
    }

    @Test("status's text: phase, versions, starts and restarts, pulls, the last contact as a time and an age, jobs")
    func text() {
        let metrics = SupervisorMetrics(version: "2026.11") { 2 }
        var machine = SupervisorMachine()
        Self.feed(Self.startEvents(SupervisorMachineTests.newWorker), to: &machine, metrics: metrics)
        metrics.pull(took: .seconds(12), succeeded: true)
        let text = SupervisorReportText.format(PrometheusSample.parse(metrics.render()), now: Self.contact.addingTimeInterval(4))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("phase") && $0.hasSuffix(" running") }, "\(text)")
        #expect(text.contains("2026.11"))
        #expect(lines.contains { $0.hasPrefix("worker container") && $0.hasSuffix(SupervisorMachineTests.new) }, "\(text)")
        #expect(lines.contains { $0.hasPrefix("container starts") && $0.hasSuffix("1 (0 restarts)") }, "\(text)")
        #expect(lines.contains { $0.hasPrefix("image pulls") && $0.hasSuffix("1, 12.0 s in all") }, "\(text)")
        #expect(lines.contains { $0.hasPrefix("last server contact") && $0.hasSuffix("\(UTCTimestamp.isoformat(Self.contact)) (4 s ago)") }, "\(text)")
        #expect(lines.contains { $0.hasPrefix("jobs running") && $0.hasSuffix(" 2") }, "\(text)")
    }

    @Test("status's text of a supervisor that has not heard the server: never, not known yet")
    func textBeforeContact() {
        let text = SupervisorReportText.format(PrometheusSample.parse(SupervisorMetrics().render()))
        #expect(text.contains("never"))
        #expect(text.contains("not known yet"))
        #expect(text.contains("none running"))
        #expect(text.contains("unknown (the job database cannot be read)"))
    }

    @Test("the text format: comments skipped, labels unescaped, a timestamp after the value, +Inf and NaN")
    func parse() {
        let samples = PrometheusSample.parse("""
            # HELP x A metric
            # TYPE x gauge
            x 1
            y{a="q\\"uote",b="back\\\\slash\\nline"} 2.5 1700000000000
            z_bucket{le="+Inf"} +Inf
            n NaN
            not a sample
            """)
        #expect(samples.count == 4)
        #expect(samples[0] == PrometheusSample(name: "x", value: 1))
        #expect(samples[1] == PrometheusSample(name: "y", labels: ["a": "q\"uote", "b": "back\\slash\nline"], value: 2.5))
        #expect(samples[2].value == .infinity)
        #expect(samples[3].value.isNaN)
    }
}
