import LavaCore
import SQLKit

/// A stored test case with the log line of the `results` record it came from.
public struct TestCaseRow: Sendable, Equatable {
    public var id: Int
    public var logLine: Int
    public var record: TestCaseRecord
}

enum TestCaseStore {
    /// Inserts test cases keyed by their log line: a resent `results` line adds nothing twice.
    static func insert(_ db: any SQLDatabase, jobID: Int, cases: [(line: Int, record: TestCaseRecord)]) async throws {
        for (line, record) in cases {
            try await db.raw("""
                INSERT INTO test_cases (job_id, log_line, suite, name, result, measurement, units, test_set,
                    start_log_line, end_log_line, metadata)
                VALUES (\(bind: jobID), \(bind: line), \(bind: record.suite), \(bind: record.name), \(bind: record.result),
                    \(bind: record.measurement), \(bind: record.units), \(bind: record.testSet),
                    \(bind: record.startLogLine), \(bind: record.endLogLine), \(bind: record.metadata))
                ON CONFLICT (job_id, log_line) DO NOTHING
                """).run()
        }
    }

    static func list(_ db: any SQLDatabase, jobID: Int, limit: Int, offset: Int) async throws -> (count: Int, cases: [TestCaseRow]) {
        let count = try await db.raw("SELECT COUNT(*) AS n FROM test_cases WHERE job_id = \(bind: jobID)").first()?
            .decode(column: "n", as: Int.self) ?? 0
        let rows = try await db.raw("""
            SELECT id, log_line, suite, name, result, measurement, units, test_set, start_log_line, end_log_line, metadata
            FROM test_cases WHERE job_id = \(bind: jobID) ORDER BY log_line LIMIT \(bind: limit) OFFSET \(bind: offset)
            """).all()
        let cases = try rows.map { row in
            TestCaseRow(
                id: try row.decode(column: "id", as: Int.self),
                logLine: try row.decode(column: "log_line", as: Int.self),
                record: TestCaseRecord(
                    suite: try row.decode(column: "suite", as: String.self),
                    name: try row.decode(column: "name", as: String.self),
                    result: try row.decode(column: "result", as: String.self),
                    measurement: try row.decode(column: "measurement", as: Double?.self),
                    units: try row.decode(column: "units", as: String?.self),
                    testSet: try row.decode(column: "test_set", as: String?.self),
                    startLogLine: try row.decode(column: "start_log_line", as: Int?.self),
                    endLogLine: try row.decode(column: "end_log_line", as: Int?.self),
                    metadata: try row.decode(column: "metadata", as: String.self)
                )
            )
        }
        return (count, cases)
    }

    /// Results per suite and result (`pass`, `fail`, …), in suite order.
    static func suiteCounts(_ db: any SQLDatabase, jobID: Int) async throws -> [(suite: String, result: String, count: Int)] {
        try await db.raw("""
            SELECT suite, result, COUNT(*) AS n FROM test_cases WHERE job_id = \(bind: jobID)
            GROUP BY suite, result ORDER BY suite, result
            """).all().map { row in
            (try row.decode(column: "suite", as: String.self), try row.decode(column: "result", as: String.self),
             try row.decode(column: "n", as: Int.self))
        }
    }
}
