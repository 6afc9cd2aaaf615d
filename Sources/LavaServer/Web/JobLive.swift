import Hummingbird
import HTTPTypes
import LavaCore

/// What a running job's page polls (LAVA's paths): `job_status`, the job's state as JSON, and
/// `log_pipeline_incremental?line=N`, the records from N as JSON (at most `batch` at a time; the
/// page asks again at once while there are more). Same visibility as the page.
struct JobLive: Sendable {
    let web: WebPages

    static let batch = 1000

    func addRoutes(to pages: RouterGroup<LavaRequestContext>) {
        pages.get("scheduler/job/:id/job_status") { request, context in try await status(request, context) }
        pages.get("scheduler/job/:id/log_pipeline_incremental") { request, context in try await records(request, context) }
    }

    struct Status: Encodable {
        var state: String
        var health: String
        var finished: Bool
        var device: String?
        var worker: String?
        var startTime: String
        var endTime: String
        var duration: String
        var failureComment: String
        var logRecords: Int
        var cancelable: Bool

        enum CodingKeys: String, CodingKey {
            case state, health, finished, device, worker, duration, cancelable
            case startTime = "start_time"
            case endTime = "end_time"
            case failureComment = "failure_comment"
            case logRecords = "log_records"
        }
    }

    func status(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let visit = try await web.sessions.visit(request, context)
        let job = try await web.visibleJob(context, viewer: visit.user)
        let count = try await LogPageReader(logs: web.server.logs, job: job).count()
        return try Self.uncached(JSONResponse.make(Status(
            state: job.state.name, health: job.health.name, finished: job.state == .finished, device: job.device, worker: job.worker,
            startTime: PageFormat.time(job.startTime), endTime: PageFormat.time(job.endTime),
            duration: PageFormat.duration(start: job.startTime, end: job.endTime, now: web.server.now()),
            failureComment: job.failureComment, logRecords: count, cancelable: WebPages.mayCancel(job, visit.user)
        )))
    }

    /// What a visitor may see changes with their session: no cache keeps it.
    static func uncached(_ response: Response) -> Response {
        var response = response
        response.headers[.cacheControl] = "no-store"
        return response
    }

    struct Record: Encodable {
        var n: Int
        var lvl: String
        var msg: String
    }

    func records(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let visit = try await web.sessions.visit(request, context)
        let job = try await web.visibleJob(context, viewer: visit.user)
        let line = try JobPage.position(request, "line") ?? 0
        var records: [Record] = []
        let reader = LogPageReader(logs: web.server.logs, job: job)
        let next = try await reader.read(from: line, count: Self.batch) { views in
            records.append(contentsOf: views.map { Record(n: $0.number, lvl: $0.level, msg: $0.text) })
        }
        var response = try Self.uncached(JSONResponse.make(records))
        let stored = try await reader.count()
        response.headers[.isFinished] = job.state == .finished && next >= stored ? "1" : "0"
        return response
    }
}

extension HTTPField.Name {
    /// LAVA's header: the job has finished and this answer holds its last records.
    static let isFinished = Self("X-Is-Finished")!
}
