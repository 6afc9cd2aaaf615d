import Hummingbird
import LavaCore

/// `/results/<id>`: a job's test cases per suite (passes, fails, skips, unknowns) and every case
/// with a link to its line in the log, in pages.
struct ResultsPage: Sendable {
    let web: WebPages

    func addRoutes(to pages: RouterGroup<LavaRequestContext>) {
        pages.get("results/:id") { request, context in try await show(request, context) }
    }

    /// A test case as a row of any results table.
    static func row(_ row: TestCaseRow, jobID: Int) -> [String: Any] {
        ["job_id": jobID, "suite": row.record.suite, "name": row.record.name, "result": row.record.result, "line": row.logLine,
         "measurement": row.record.measurement.map { String($0) + (row.record.units.map { " " + $0 } ?? "") } ?? ""]
    }

    func show(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let visit = try await web.sessions.visit(request, context)
        let job = try await web.visibleJob(context, viewer: visit.user)
        let paging = try Paging(request, defaultLength: 100)
        let (counts, count, cases) = try await web.server.database.read { db in
            let counts = try await TestCaseStore.suiteCounts(db, jobID: job.id)
            let (count, cases) = try await TestCaseStore.list(db, jobID: job.id, limit: paging.length, offset: paging.offset)
            return (counts, count, cases)
        }
        var suites: [String: [String: Int]] = [:]
        var order: [String] = []
        for (suite, result, number) in counts {
            if suites[suite] == nil { order.append(suite) }
            suites[suite, default: [:]][result] = number
        }
        return web.page("results", title: "Results of job \(job.id)", visit: visit, [
            "job": JobListPage.row(job),
            "suites": order.map { suite -> [String: Any] in
                let results = suites[suite] ?? [:]
                return ["name": suite, "pass": results["pass"] ?? 0, "fail": results["fail"] ?? 0, "skip": results["skip"] ?? 0,
                        "unknown": results["unknown"] ?? 0, "total": results.values.reduce(0, +)]
            },
            "cases": cases.map { Self.row($0, jobID: job.id) },
            "pager": paging.values(count: count, path: "/results/\(job.id)", keeping: []),
        ])
    }
}
