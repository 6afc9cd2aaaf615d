import Hummingbird
import LavaCore

/// `/scheduler/alljobs`: the jobs the visitor may see, newest first, filtered by state, health,
/// device type and submitter, in pages (LAVA's `page` and `length`).
struct JobListPage: Sendable {
    let web: WebPages

    func addRoutes(to pages: RouterGroup<LavaRequestContext>) {
        pages.get("scheduler/alljobs") { request, context in try await list(request, context) }
    }

    /// A job as a row of any job table.
    static func row(_ job: JobRecord) -> [String: Any] {
        let row: [String: Any] = [
            "id": job.id, "description": job.description, "submitter": job.submitter, "device_type": job.deviceType,
            "state": job.state.name, "health": job.health.name, "submit_time": PageFormat.time(job.submitTime),
            "end_time": PageFormat.time(job.endTime),
            "duration": job.endTime == nil ? "" : PageFormat.duration(start: job.startTime, end: job.endTime, now: 0),
            "device": job.device ?? "", "has_device": job.device != nil,
        ]
        return row
    }

    func list(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let server = web.server
        let visit = try await web.sessions.visit(request, context)
        let paging = try Paging(request)
        let parameters = request.uri.queryParameters
        var query = JobQuery(withDefinitions: false, limit: paging.length, offset: paging.offset, viewer: visit.user)
        var kept: [(String, String)] = []
        if let text = parameters.get("state"), !text.isEmpty {
            guard let state = JobState(name: text) else { throw PageError(.badRequest, "Unknown state '\(text)': one of \(JobState.allCases.map(\.name).joined(separator: ", ")).") }
            query.state = state
            kept.append(("state", text))
        }
        if let text = parameters.get("health"), !text.isEmpty {
            guard let health = JobHealth(name: text) else { throw PageError(.badRequest, "Unknown health '\(text)': one of \(JobHealth.allCases.map(\.name).joined(separator: ", ")).") }
            query.health = health
            kept.append(("health", text))
        }
        for (name, keyPath) in [("device_type", \JobQuery.deviceType), ("submitter", \JobQuery.submitter)] {
            if let text = parameters.get(name), !text.isEmpty {
                guard text.utf8.count <= 200 else { throw PageError(.badRequest, "'\(name)' is longer than 200 bytes.") }
                query[keyPath: keyPath] = text
                kept.append((name, text))
            }
        }
        let filter = query
        let (count, jobs, types) = try await server.database.read { db in
            let (count, jobs) = try await JobStore.list(db, filter)
            return (count, jobs, try await DeviceStore.types(db))
        }
        return web.page("jobs", title: "Jobs", visit: visit, [
            "jobs": jobs.map(Self.row),
            "pager": paging.values(count: count, path: "/scheduler/alljobs", keeping: kept),
            "states": JobState.allCases.map { ["name": $0.name, "selected": $0 == query.state] },
            "healths": JobHealth.allCases.map { ["name": $0.name, "selected": $0 == query.health] },
            "device_types": types.map { ["name": $0, "selected": $0 == query.deviceType] },
            "submitter": query.submitter ?? "",
        ])
    }
}
