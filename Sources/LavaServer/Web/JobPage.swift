import Hummingbird
import LavaCore
import NIOCore

/// `/scheduler/job/<id>`: the job's facts, its definition without secrets, its results and its
/// log by level with `L<n>` anchors, a page of `logPageSize` records at a time (`?start=N`;
/// `?line=N` goes to the page holding record N). A running job opens on its last page and
/// follows the log (static/live-job.js).
struct JobPage: Sendable {
    let web: WebPages

    static let logPageSize = 1000
    /// Where the template leaves room for the log, which is streamed in between.
    static let logMarker = "<!--log-->"

    func addRoutes(to pages: RouterGroup<LavaRequestContext>) {
        pages.get("scheduler/job/:id") { request, context in try await show(request, context) }
    }

    func show(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let server = web.server
        let visit = try await web.sessions.visit(request, context)
        let job = try await web.visibleJob(context, viewer: visit.user, withDefinition: true)
        let reader = LogPageReader(logs: server.logs, job: job)
        let count = try await reader.count()
        if let line = try Self.position(request, "line") {
            let start = line / Self.logPageSize * Self.logPageSize
            return WebPages.redirect("/scheduler/job/\(job.id)?start=\(start)#L\(line)")
        }
        let lastPage = count == 0 ? 0 : (count - 1) / Self.logPageSize * Self.logPageSize
        let start: Int
        if let value = try Self.position(request, "start") {
            start = min(value, lastPage)
        } else {
            start = job.state == .finished ? 0 : lastPage
        }
        let end = min(start + Self.logPageSize, count)
        let (cases, caseCount) = try await server.database.read { db in
            let (count, cases) = try await TestCaseStore.list(db, jobID: job.id, limit: 100, offset: 0)
            return (cases, count)
        }
        var log: [String: Any] = [
            "count": count, "start": start, "end": end,
            "follow": job.state != .finished && end == count,
        ]
        func link(_ at: Int) -> String { "/scheduler/job/\(job.id)?start=\(at)#log" }
        if start > 0 { log["first"] = link(0); log["previous"] = link(max(0, start - Self.logPageSize)) }
        if end < count { log["next"] = link(end); log["last"] = link(lastPage) }
        let values = web.layout(title: "Job \(job.id)", visit: visit, [
            "job": Self.values(job, now: server.now()),
            "definition": Self.shown(SecretMasking.shown(job.definition, visibility: job.visibility)),
            "visibility": job.visibility.rawValue,
            "cancelable": WebPages.mayCancel(job, visit.user),
            "cases": cases.map { ResultsPage.row($0, jobID: job.id) },
            "results_count": caseCount, "has_results": caseCount > 0,
            "results_more": caseCount > cases.count,
            "log": log,
            "levels": ["debug", "info", "warning", "error", "target", "input", "feedback", "results"].map { ["name": $0] },
        ])
        guard let html = web.templates.html("job", values), let marker = html.range(of: Self.logMarker) else {
            throw PageError(.internalServerError, "The installed job page template has no \(Self.logMarker) for the log: reinstall server/templates.")
        }
        return streamLog(head: String(html[..<marker.lowerBound]), tail: String(html[marker.upperBound...]),
                         reader: reader, start: start, end: end, jobID: job.id)
    }

    /// The page with the log's records streamed between its head and its tail.
    private func streamLog(head: String, tail: String, reader: LogPageReader, start: Int, end: Int, jobID: Int) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"], body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: head))
            let next = try await reader.read(from: start, count: end - start) { views in
                var bytes: [UInt8] = []
                for view in views { view.appendHTML(to: &bytes) }
                try await writer.write(ByteBuffer(bytes: bytes))
            }
            if next < end {
                // id log-next: where the page's script goes on following from.
                try await writer.write(ByteBuffer(string: "<p class=\"cut\" id=\"log-next\" data-next=\"\(next)\"><a href=\"/scheduler/job/\(jobID)?start=\(next)#log\">This page stops at 4 MiB of log: continue from record \(next)</a></p>\n"))
            }
            try await writer.write(ByteBuffer(string: tail))
            try await writer.finish(nil)
        })
    }

    /// A record number from the query, bounded so that adding a page to it cannot overflow.
    static func position(_ request: Request, _ name: String) throws -> Int? {
        try request.uri.queryParameters.get(name).map { text throws(APIError) in
            try RequestInteger.parse(text, field: name, in: 0...RequestInteger.maxPosition)
        }
    }

    /// Definitions may be 4 MiB; the page shows the first `definitionShown` bytes, the REST API all.
    static let definitionShown = 256 * 1024

    static func shown(_ definition: String) -> String {
        guard definition.utf8.count > definitionShown else { return definition }
        return String(decoding: definition.utf8.prefix(definitionShown), as: UTF8.self)
            + "\n… [cut at 256 KiB: the Definition link has the whole definition]"
    }

    static func values(_ job: JobRecord, now: Double) -> [String: Any] {
        var values = JobListPage.row(job)
        values["worker"] = job.worker ?? ""
        values["priority"] = job.priority
        values["start_time"] = PageFormat.time(job.startTime)
        values["duration"] = PageFormat.duration(start: job.startTime, end: job.endTime, now: now)
        values["failure_comment"] = job.failureComment
        values["error_type"] = job.errorType
        values["finished"] = job.state == .finished
        return values
    }
}
