import Hummingbird
import LavaCore

extension InternalAPI {
    /// `POST /scheduler/internal/v1/jobs/<id>/logs/` (spec §2.5, §5.3). The whole batch is parsed
    /// and its results mapped before anything is written, so a malformed one stores nothing; a
    /// resend with the same `index` stores nothing twice, test cases and failure comments included.
    func uploadLogs(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let job = try await authorizedJob(request, context)
        let form = try await FormBody.read(request, limit: server.configuration.maxLogUploadBytes)
        guard let lines = form["lines"], !lines.isEmpty else { throw APIError.missing("lines") }
        guard let indexText = form["index"] else { throw APIError.missing("index") }
        // LAVA's exact text for a bad index; the bound keeps `index + count` from trapping.
        guard let index = Int(indexText), (0...RequestInteger.maxPosition).contains(index) else { throw APIError.invalid("index") }
        let records: [LogRecord]
        do {
            records = try LogBatch.records(in: lines)
        } catch {
            throw APIError(.badRequest, "Invalid 'lines': \(error)")
        }
        let logs = server.logs
        let key = job.logKey
        let results = try mappedResults(records, metadataDirectory: logs.metadataDirectory(key))

        let storedLines = records.map { $0.storedLine() }
        let outcome: AppendOutcome
        do {
            outcome = try await logs.append(key, index: index, lines: storedLines, by: .worker)
        } catch is JobLeftWorker {
            throw APIError.unknownJob(String(job.id))
        }
        let duplicates = storedLines.count - outcome.appended
        let resent = duplicates > 0 ? try await logs.lines(key, start: outcome.firstLine, count: duplicates) : []
        server.metrics.logLinesStored(outcome.appended)

        // Record i of the batch is log line firstLine + i; the last `appended` records are new.
        let firstNew = records.count - outcome.appended
        var cases: [(line: Int, record: TestCaseRecord)] = []
        var comments: [String] = []
        for (offset, result) in results {
            let line = outcome.firstLine + offset
            // A resent record counts only where it is the line stored under its number: a
            // duplicate cannot put a test case on a line that says something else.
            if offset < firstNew, offset >= resent.count || resent[offset] != storedLines[offset] { continue }
            switch result {
            case .success(nil):
                continue
            case .success(let testCase?):
                cases.append((line, testCase))
                if let extra = testCase.extra {
                    do {
                        try await logs.mergeExtra(extra, job: key)
                    } catch {
                        comments.append("log line \(line): cannot store its extra data: \(error)")
                    }
                }
                if offset >= firstNew { comments += testCase.warnings }
            case .failure(let error):
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

    /// The test case of each `results` record by its offset in the batch. A record LAVA would
    /// ignore with a note is a failure here; one whose `extra` would be stored under a name that
    /// is no plain file name refuses the whole batch, before anything is written.
    private func mappedResults(
        _ records: [LogRecord], metadataDirectory: String
    ) throws(APIError) -> [(offset: Int, result: Result<TestCaseRecord?, LogFormatError>)] {
        var results: [(offset: Int, result: Result<TestCaseRecord?, LogFormatError>)] = []
        for (offset, record) in records.enumerated() where record.level == "results" {
            let result = Result { () throws(LogFormatError) in try record.result(metadataDirectory: metadataDirectory) }
            if case .success(let testCase?) = result, let extra = testCase.extra {
                do {
                    _ = try PathComponent(extra.fileName)
                } catch {
                    throw APIError(.badRequest, "Invalid 'lines': log record \(record.number): its results extra "
                        + "is stored as <definition>-<case>-<level>.yaml, and \(error)")
                }
            }
            results.append((offset, result))
        }
        return results
    }
}
