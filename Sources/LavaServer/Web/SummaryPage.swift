import Hummingbird
import LavaCore

/// `/`: the server's version and the announced next one, the fleet at a glance (online,
/// offline, at another version), devices by state and health, the job queue.
struct SummaryPage: Sendable {
    let web: WebPages

    func addRoutes(to pages: RouterGroup<LavaRequestContext>) {
        pages.get("/") { request, context in try await show(request, context) }
        pages.get("scheduler") { _, _ in WebPages.redirect("/") }
    }

    func show(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let server = web.server
        let visit = try await web.sessions.visit(request, context)
        let policy = try await server.versionPolicy.current()
        let plan = try await server.versionPolicy.plan()
        let viewer = visit.user
        let (workers, devices, jobs) = try await server.database.read { db in
            (try await WorkerStore.counts(db), try await DeviceStore.countByStateAndHealth(db), try await JobStore.countByState(db, visibleTo: viewer))
        }
        let fleet = FleetSummary(workers, policy: policy, serverVersion: server.configuration.version)
        func jobCount(_ state: JobState) -> Int { jobs.filter { $0.state == state }.reduce(0) { $0 + $1.count } }
        let deviceRows: [[String: Any]] = DeviceHealth.allCases.compactMap { health in
            let counts = DeviceState.allCases.map { state in
                devices.first { $0.state == state && $0.health == health }?.count ?? 0
            }
            guard counts.contains(where: { $0 > 0 }) else { return nil }
            return ["health": health.name, "idle": counts[0], "reserved": counts[1], "running": counts[2]]
        }
        return web.page("index", title: "LAVA server", visit: visit, [
            "next_version": plan.next ?? "", "has_next": plan.next != nil, "any_mismatched": fleet.mismatched > 0,
            "version_policy": policy.description,
            "workers_online": fleet.online, "workers_offline": fleet.offline, "workers_mismatched": fleet.mismatched,
            "workers_maintenance": fleet.maintenance, "workers_total": fleet.total,
            "device_rows": deviceRows,
            "jobs_queued": jobCount(.submitted), "jobs_scheduled": jobCount(.scheduled),
            "jobs_running": jobCount(.running), "jobs_canceling": jobCount(.canceling),
            "jobs_finished": jobCount(.finished),
        ])
    }
}

/// Workers counted as the summary shows them: a worker at a version the policy refuses counts as
/// mismatched whatever its state.
struct FleetSummary {
    var online = 0
    var offline = 0
    var mismatched = 0
    var maintenance = 0

    var total: Int { online + offline }

    init(_ groups: [(state: WorkerState, health: WorkerHealth, version: String?, count: Int)], policy: VersionPolicy, serverVersion: String) {
        for group in groups {
            if group.state == .online { online += group.count } else { offline += group.count }
            if group.health != .active { maintenance += group.count }
            if FleetPages.isMismatched(group.version, policy: policy, serverVersion: serverVersion) { mismatched += group.count }
        }
    }
}
