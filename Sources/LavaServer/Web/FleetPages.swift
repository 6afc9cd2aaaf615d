import Hummingbird
import LavaCore

/// `/scheduler/allworkers` and `/scheduler/worker/<name>`: each worker's state, health, version
/// (a version the server refuses is marked at a glance), last contact, devices and running jobs.
struct FleetPages: Sendable {
    let web: WebPages

    func addRoutes(to pages: RouterGroup<LavaRequestContext>) {
        pages.get("scheduler/allworkers") { request, context in try await list(request, context) }
        pages.get("scheduler/worker/:name") { request, context in try await show(request, context) }
    }

    /// A worker that reported a version the policy refuses; one that never reported is not.
    static func isMismatched(_ version: String?, policy: VersionPolicy, serverVersion: String) -> Bool {
        guard let version else { return false }
        return !policy.accepts(worker: version, server: serverVersion)
    }

    func list(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let server = web.server
        let visit = try await web.sessions.visit(request, context)
        let paging = try Paging(request, defaultLength: 100)
        let onlyMismatched = request.uri.queryParameters.get("mismatch") == "1"
        let policy = try await server.versionPolicy.current()
        let viewer = visit.user
        let version = server.configuration.version
        // Names and versions decide the page's rows; only those rows are read whole.
        let (count, workers, deviceCounts, active) = try await server.database.read { db in
            let all = try await WorkerStore.versions(db)
            let shown = onlyMismatched ? all.filter { Self.isMismatched($0.version, policy: policy, serverVersion: version) } : all
            let names = shown.dropFirst(paging.offset).prefix(paging.length).map(\.name)
            return (shown.count, try await WorkerStore.find(db, names: names), try await DeviceStore.countsByWorker(db, workers: names),
                    try await JobStore.active(db, visibleTo: viewer, workers: names))
        }
        let now = server.now()
        let jobsByWorker = Dictionary(grouping: active) { $0.worker ?? "" }
        let rows: [[String: Any]] = workers.map { worker in
            var row = workerValues(worker, policy: policy, now: now)
            row["devices"] = deviceCounts[worker.name] ?? 0
            row["jobs"] = (jobsByWorker[worker.name] ?? []).map { ["id": $0.id] }
            return row
        }
        return web.page("workers", title: "Workers", visit: visit, [
            "workers": rows,
            "only_mismatched": onlyMismatched,
            "pager": paging.values(count: count, path: "/scheduler/allworkers", keeping: onlyMismatched ? [("mismatch", "1")] : []),
            "version_policy": policy.description,
        ])
    }

    func show(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let server = web.server
        let visit = try await web.sessions.visit(request, context)
        let name = context.parameters.get("name") ?? ""
        let viewer = visit.user
        let found = try await server.database.read { db -> (WorkerRecord, [DeviceRecord], [ActiveJob], [JobRecord])? in
            guard let worker = try await WorkerStore.find(db, name: name) else { return nil }
            let active = try await JobStore.active(db, visibleTo: viewer, workers: [name])
            let recent = try await JobStore.list(db, JobQuery(worker: name, withDefinitions: false, limit: 10, offset: 0, viewer: viewer)).jobs
            return (worker, try await DeviceStore.on(db, worker: name), active, recent)
        }
        guard let (worker, devices, active, recent) = found else { throw PageError.notFound("Worker '\(name)'") }
        let policy = try await server.versionPolicy.current()
        let now = server.now()
        return web.page("worker", title: "Worker \(worker.name)", visit: visit, [
            "worker": workerValues(worker, policy: policy, now: now),
            "devices": devices.map { device in
                var values: [String: Any] = ["name": device.name, "type": device.deviceType, "state": device.state.name, "health": device.health.name]
                if let job = active.first(where: { $0.device == device.name }) { values["job"] = ["id": job.id] }
                return values
            },
            "running": active.map { ["id": $0.id, "state": $0.state.name, "device": $0.device ?? ""] },
            "jobs": recent.map(JobListPage.row),
            "healths": WorkerHealth.allCases.map { ["name": $0.name, "selected": $0 == worker.health] },
            "admin": visit.isAdmin,
        ])
    }

    private func workerValues(_ worker: WorkerRecord, policy: VersionPolicy, now: Double) -> [String: Any] {
        [
            "name": worker.name, "state": worker.state.name, "health": worker.health.name,
            "description": worker.description, "version": worker.version ?? "",
            "mismatched": Self.isMismatched(worker.version, policy: policy, serverVersion: web.server.configuration.version),
            "last_contact": PageFormat.age(worker.lastContact, now: now),
            "last_ping": PageFormat.age(worker.lastPing, now: now),
            "job_limit": worker.jobLimit,
            "online": worker.state == .online,
        ]
    }
}
