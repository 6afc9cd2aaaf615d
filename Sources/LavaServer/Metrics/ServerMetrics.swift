import Prometheus

/// Prometheus metrics of one server instance. Counters count what this instance did; the
/// gauges (workers, jobs) describe the shared database and are refreshed at each scrape.
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let acceptedPings: Prometheus.Counter
    private let refusedPings: Prometheus.Counter
    private let logLines: Prometheus.Counter

    // Computed: MetricNameDescriptor is not Sendable, so it cannot be a stored static.
    private static var pings: MetricNameDescriptor {
        MetricNameDescriptor(metricName: "lava_worker_pings", unitName: "total",
                             helpText: "Worker pings answered, by whether the worker's version was accepted")
    }
    private static var workers: MetricNameDescriptor {
        MetricNameDescriptor(metricName: "lava_workers", unitName: "", helpText: "Workers by state and by whether their version is accepted")
    }
    private static var jobs: MetricNameDescriptor {
        MetricNameDescriptor(metricName: "lava_jobs", unitName: "", helpText: "Jobs by state")
    }
    private static var finished: MetricNameDescriptor {
        MetricNameDescriptor(metricName: "lava_finished_jobs", unitName: "", helpText: "Finished jobs by health")
    }

    public init() {
        acceptedPings = registry.makeCounter(descriptor: Self.pings, labels: [("version_match", "true")])
        refusedPings = registry.makeCounter(descriptor: Self.pings, labels: [("version_match", "false")])
        logLines = registry.makeCounter(descriptor: MetricNameDescriptor(
            metricName: "lava_log_lines_stored", unitName: "total", helpText: "Job log lines stored by this instance"))
    }

    func ping(accepted: Bool) {
        (accepted ? acceptedPings : refusedPings).increment()
    }

    func logLinesStored(_ count: Int) {
        logLines.increment(by: Int64(count))
    }

    /// Sets the gauges from the database and renders the text exposition format.
    func render(server: Server) async throws -> String {
        let policy = try await server.versionPolicy.current()
        let version = server.configuration.version
        let (workers, jobs) = try await server.database.read { db in
            (try await WorkerStore.all(db), try await JobStore.countByState(db))
        }
        for state in WorkerState.allCases {
            for match in [true, false] {
                let count = workers.filter { worker in
                    worker.state == state && (worker.version.map { policy.accepts(worker: $0, server: version) } ?? false) == match
                }.count
                registry.makeGauge(descriptor: Self.workers, labels: [("state", state.name), ("version_match", String(match))])
                    .set(Double(count))
            }
        }
        registry.makeGauge(descriptor: MetricNameDescriptor(
            metricName: "lava_event_listeners", unitName: "", helpText: "WebSocket clients of this instance's /ws/ event stream"
        )).set(Double(server.events.listenerCount))
        for state in JobState.allCases {
            let count = jobs.filter { $0.state == state }.reduce(0) { $0 + $1.count }
            registry.makeGauge(descriptor: Self.jobs, labels: [("state", state.name)]).set(Double(count))
        }
        for health in JobHealth.allCases {
            let count = jobs.filter { $0.state == .finished && $0.health == health }.reduce(0) { $0 + $1.count }
            registry.makeGauge(descriptor: Self.finished, labels: [("health", health.name)]).set(Double(count))
        }
        return registry.emitToString()
    }
}
