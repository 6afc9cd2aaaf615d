import Hummingbird
import LavaCore
import NIOPosix

extension InternalAPI {
    /// `POST /scheduler/internal/v1/jobs/<id>/logs/` (spec §2.5, §5.3). The whole batch is parsed
    /// before anything is written, so a malformed one stores nothing; a resend with the same
    /// `index` stores nothing twice, test cases and failure comments included.
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

        let logs = server.logs
        let storedLines = records.map { $0.storedLine() }
        // File writes and fsync block: keep them off the event loops.
        let outcome = try await NIOThreadPool.singleton.runIfActive {
            try logs.append(jobID: job.id, submitTime: job.submitTime, index: index, lines: storedLines)
        }
        server.metrics.logLinesStored(outcome.appended)

        // Record i of the batch is log line firstLine + i; the last `appended` records are new.
        let firstNew = records.count - outcome.appended
        var cases: [(line: Int, record: TestCaseRecord)] = []
        var comments: [String] = []
        let metadata = logs.metadataDirectory(jobID: job.id, submitTime: job.submitTime)
        for (offset, record) in records.enumerated() where record.level == "results" {
            let line = outcome.firstLine + offset
            do {
                guard let testCase = try record.result(metadataDirectory: metadata.path) else { continue }
                cases.append((line, testCase))
                if let extra = testCase.extra {
                    do {
                        try logs.mergeExtra(extra, jobID: job.id, submitTime: job.submitTime)
                    } catch {
                        comments.append("log line \(line): cannot store its extra data: \(error)")
                    }
                }
                if offset >= firstNew { comments += testCase.warnings }
            } catch {
                if offset >= firstNew { comments.append("log line \(line): \(error)") }
            }
        }
        if !cases.isEmpty || !comments.isEmpty {
            let found = cases, notes = comments
            try await server.database.write { db in
                try await TestCaseStore.insert(db, jobID: job.id, cases: found)
                if !notes.isEmpty {
                    try await JobStore.appendFailureComment(db, id: job.id, notes.joined(separator: "\n"))
                }
            }
        }
        return try JSONResponse.make(LogUploadResponse(lineCount: records.count))
    }
}
