import Foundation
import LavaCore
import Metrics
import Prometheus
import Synchronization

/// What lava-docker-worker exposes at `--metrics-address` (Prometheus text): its phase, the
/// versions of itself, of its worker container and of the server, the server's announced next
/// version, container starts, image pulls and their duration, images refused for their digest,
/// the last answer of the server, and the jobs its worker runs.
///
/// Made through swift-metrics on a registry of its own (not the global `MetricsSystem`), so each
/// supervisor, and each test, has its own. The `Supervisor` records after each event; the jobs
/// are counted at each scrape.
public final class SupervisorMetrics: Sendable {
    public static let phase = "lava_docker_worker_phase"
    public static let info = "lava_docker_worker_info"
    public static let workerVersion = "lava_docker_worker_worker_version_info"
    public static let serverVersion = "lava_docker_worker_server_version_info"
    public static let containerStarts = "lava_docker_worker_container_starts_total"
    public static let crashes = "lava_docker_worker_crashes_in_a_row"
    public static let imagePulls = "lava_docker_worker_image_pulls_total"
    public static let pullDuration = "lava_docker_worker_image_pull_duration_seconds"
    public static let lastServerContact = "lava_docker_worker_last_server_contact_timestamp_seconds"
    public static let jobsRunning = "lava_docker_worker_jobs_running"
    /// The server's announced next version; `pulled` says whether its image is here already.
    public static let nextVersion = "lava_docker_worker_next_version_info"
    public static let imageRefusals = "lava_docker_worker_image_refusals_total"
    /// The image refused last for its digest, while it is: version, expected and found digests.
    public static let imageRefused = "lava_docker_worker_image_refused_info"

    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let phases: [String: Metrics.Gauge]
    private let starts: Metrics.Counter
    private let crashCount: Metrics.Gauge
    private let pulled: Metrics.Counter
    private let failedPulls: Metrics.Counter
    private let pullTimer: Metrics.Timer
    private let lastContact: Metrics.Gauge
    private let jobs: Metrics.Gauge
    private let refusals: Metrics.Counter
    private let countJobs: @Sendable () -> Int?
    private let state = Mutex(State())

    /// The labels shown now, and the starts and refusals counted so far.
    private struct State {
        var worker: Shown?
        var server: Shown?
        var next: Shown?
        var refused: Shown?
        var starts = 0
        var refusals = 0
    }

    /// An info gauge and its labels.
    private struct Shown {
        var labels: [(String, String)]
        var gauge: Metrics.Gauge
    }

    /// `jobsRunning` counts the jobs of the worker's job database (nil when it cannot be read).
    public init(version: String = LavaVersion.current, jobsRunning: @escaping @Sendable () -> Int? = { nil }) {
        var factory = PrometheusMetricsFactory(registry: registry)
        // A pull takes seconds to many minutes, not the default's milliseconds.
        factory.durationHistogramBuckets[Self.pullDuration] = [1, 5, 15, 30, 60, 120, 300, 600, 1200].map { .seconds($0) }
        self.factory = factory
        phases = Dictionary(uniqueKeysWithValues: SupervisorPhase.names.map {
            ($0, Metrics.Gauge(label: Self.phase, dimensions: [("phase", $0)], factory: factory))
        })
        starts = Metrics.Counter(label: Self.containerStarts, factory: factory)
        crashCount = Metrics.Gauge(label: Self.crashes, factory: factory)
        pulled = Metrics.Counter(label: Self.imagePulls, dimensions: [("result", "pulled")], factory: factory)
        failedPulls = Metrics.Counter(label: Self.imagePulls, dimensions: [("result", "failed")], factory: factory)
        pullTimer = Metrics.Timer(label: Self.pullDuration, factory: factory)
        lastContact = Metrics.Gauge(label: Self.lastServerContact, factory: factory)
        jobs = Metrics.Gauge(label: Self.jobsRunning, factory: factory)
        refusals = Metrics.Counter(label: Self.imageRefusals, factory: factory)
        countJobs = jobsRunning
        Metrics.Gauge(label: Self.info, dimensions: [("version", version)], factory: factory).record(1)
        record(SupervisorMachine())
    }

    /// The machine's state after `event` (nil: before any).
    public func record(_ machine: SupervisorMachine, after event: SupervisorEvent? = nil, at now: Date = Date()) {
        for (name, gauge) in phases { gauge.record(name == machine.phase.name ? 1 : 0) }
        crashCount.record(machine.crashes)
        if case .serverAnswered = event { lastContact.record(now.timeIntervalSince1970) }
        state.withLock { state in
            if machine.starts > state.starts { starts.increment(by: machine.starts - state.starts) }
            state.starts = machine.starts
            if machine.refusals > state.refusals { refusals.increment(by: machine.refusals - state.refusals) }
            state.refusals = machine.refusals
            state.worker = relabel(state.worker, to: SupervisorMachine.runningVersion(machine.phase).map { [("version", $0)] },
                                   name: Self.workerVersion)
            state.server = relabel(state.server, to: machine.server.map { [("version", $0.version)] }, name: Self.serverVersion)
            state.next = relabel(state.next, to: machine.server?.nextVersion.map {
                [("version", $0), ("pulled", machine.readyAhead == $0 ? "true" : "false")]
            }, name: Self.nextVersion)
            state.refused = relabel(state.refused, to: machine.refusal.map {
                [("version", $0.version), ("expected", $0.expected), ("found", $0.found.isEmpty ? "none" : $0.found.joined(separator: ","))]
            }, name: Self.imageRefused)
        }
    }

    /// An image pulled from its registry (one found on the host is no pull).
    func pull(took duration: Duration, succeeded: Bool) {
        if succeeded {
            pulled.increment()
            pullTimer.record(duration: duration)
        } else {
            failedPulls.increment()
        }
    }

    /// The text exposition format, with the jobs counted now.
    public func render() -> String {
        jobs.record(countJobs().map(Double.init) ?? .nan)
        return registry.emitToString()
    }


    /// An info gauge shows one set of labels: the old ones go when they change.
    private func relabel(_ shown: Shown?, to labels: [(String, String)]?, name: String) -> Shown? {
        if let shown, let labels, shown.labels.elementsEqual(labels, by: ==) { return shown }
        shown?.gauge.destroy()
        guard let labels else { return nil }
        let gauge = Metrics.Gauge(label: name, dimensions: labels, factory: factory)
        gauge.record(1)
        return Shown(labels: labels, gauge: gauge)
    }
}
