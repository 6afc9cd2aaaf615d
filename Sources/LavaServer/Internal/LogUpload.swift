import Hummingbird
import LavaCore

extension InternalAPI {
    /// `POST /scheduler/internal/v1/jobs/<id>/logs/` (spec §2.5, §5.3). The whole batch is parsed
    /// before anything is written, so a malformed one stores nothing; a resend with the same
    /// `index` stores nothing twice, test cases included.
    func uploadLogs(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let job = try await authorizedJob(request, context)
        let form = try await FormBody.read(request, limit: server.configuration.maxLogUploadBytes)
        guard let lines = form["lines"], !lines.isEmpty else { throw APIError.missing("lines") }
        guard let indexText = form["index"] else { throw APIError.missing("index") }
        guard let index = Int(indexText), index >= 0 else { throw APIError.invalid("index") }
        let records: [LogRecord]
        do {
            records = try LogBatch.records(in: lines)
        } catch {
            throw APIError(.badRequest, "Invalid 'lines': \(error)")
        }
        var cases: [(line: Int, record: TestCaseRecord)] = []
        var problems: [String] = []
        for (offset, record) in records.enumerated() where record.level == "results" {
            do {
                if let testCase = try record.result() { cases.append((index + offset, testCase)) }
            } catch {
                problems.append("log line \(index + offset): \(error)")
            }
        }
        let outcome = try server.logs.append(jobID: job.id, submitTime: job.submitTime, index: index, lines: records.map { $0.storedLine() })
        server.metrics.logLinesStored(outcome.appended)
        let shift = outcome.firstLine - index
        let stored = cases.map { (line: $0.line + shift, record: $0.record) }
        let comments = problems + stored.flatMap(\.record.warnings)
        if !stored.isEmpty || !comments.isEmpty {
            try await server.database.write { db in
                try await TestCaseStore.insert(db, jobID: job.id, cases: stored)
                if !comments.isEmpty {
                    try await JobStore.appendFailureComment(db, id: job.id, comments.joined(separator: "\n"))
                }
            }
        }
        return try JSONResponse.make(LogUploadResponse(lineCount: records.count))
    }
}
