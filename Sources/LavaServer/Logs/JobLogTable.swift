import Foundation
import LavaCore
import SQLKit

/// Job logs in the server's database (`--log-store database`), so that every instance reads
/// every job's log without a shared filesystem. A stored batch is one `job_log_batches` row: its
/// lines as they are in output.yaml, each ending in a line feed, and the offset of each line in
/// them (4 bytes, little-endian), so that any range of lines is read without the rest of the log.
/// Batches follow each other without gaps: a row's `first_line` is the count stored before it.
struct JobLogTable: JobLogStore {
    let database: any Database

    /// Batches fetched at a time while reading: each is one upload, at most `--max-log-upload`.
    static let batchesPerQuery = 4

    func append(_ job: JobLogKey, index: Int, lines: [String], by writer: LogWriter) async throws -> AppendOutcome {
        try await database.write { db in
            // One append of a job at a time: its row is locked until the batch is in. Any update
            // of the row, its end included, waits for that (only foreign-key checks do not), so
            // no worker's batch lands after the end.
            let lock = db.dialect.name == "postgresql" ? " FOR NO KEY UPDATE" : ""
            guard let row = try await db.raw("SELECT state FROM jobs WHERE id = \(bind: job.id)\(unsafeRaw: lock)").first() else {
                throw LogStorageError("job \(job.id) does not exist")
            }
            if writer == .worker, JobState(rawValue: try row.decode(column: "state", as: Int.self))?.isOnWorker != true {
                throw JobLeftWorker()
            }
            let stored = try await Self.stored(db, job.id) ?? 0
            let (firstLine, fresh) = AppendOutcome.placing(lines, at: index, stored: stored)
            guard !fresh.isEmpty else { return AppendOutcome(firstLine: firstLine, appended: 0) }
            var bytes: [UInt8] = []
            var offsets: [UInt8] = []
            offsets.reserveCapacity(fresh.count * 4)
            for line in fresh {
                guard let offset = UInt32(exactly: bytes.count) else {
                    throw LogStorageError("a log batch of more than \(UInt32.max) bytes cannot be stored: send smaller batches")
                }
                withUnsafeBytes(of: offset.littleEndian) { offsets.append(contentsOf: $0) }
                bytes.append(contentsOf: line.utf8)
                if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
            }
            try await db.raw("""
                INSERT INTO job_log_batches (job_id, first_line, line_count, offsets, lines)
                VALUES (\(bind: job.id), \(bind: stored), \(bind: fresh.count), \(bind: Data(offsets)), \(bind: Data(bytes)))
                """).run()
            return AppendOutcome(firstLine: firstLine, appended: fresh.count)
        }
    }

    /// Lines stored for the job; nil before its first batch.
    private static func stored(_ db: any SQLDatabase, _ id: Int) async throws -> Int? {
        try await db.raw("""
            SELECT first_line + line_count AS stored FROM job_log_batches WHERE job_id = \(bind: id)
            ORDER BY first_line DESC LIMIT 1
            """).first()?.decode(column: "stored", as: Int.self)
    }

    func count(_ job: JobLogKey) async throws -> Int? {
        try await database.read { try await Self.stored($0, job.id) }
    }

    func byteCount(_ job: JobLogKey, lines range: Range<Int>) async throws -> Int {
        guard !range.isEmpty else { return 0 }
        return try await database.read { db in
            let whole = try await db.raw("""
                SELECT COALESCE(SUM(length(lines)), 0) AS size FROM job_log_batches
                WHERE job_id = \(bind: job.id) AND first_line >= \(bind: range.lowerBound) AND first_line < \(bind: range.upperBound)
                  AND first_line + line_count <= \(bind: range.upperBound)
                """).first()?.decode(column: "size", as: Int.self) ?? 0
            // The batches holding the range's first and last lines, when the range cuts them.
            var cut: [StoredBatch] = []
            for line in [range.lowerBound, range.upperBound - 1] {
                guard let batch = try await db.raw("""
                    SELECT first_line, line_count, offsets, length(lines) AS size FROM job_log_batches
                    WHERE job_id = \(bind: job.id) AND first_line <= \(bind: line) ORDER BY first_line DESC LIMIT 1
                    """).first().map({ try StoredBatch($0, withLines: false) }),
                    batch.firstLine < range.lowerBound || batch.firstLine + batch.lineCount > range.upperBound,
                    !cut.contains(where: { $0.firstLine == batch.firstLine })
                else { continue }
                cut.append(batch)
            }
            return try cut.reduce(whole) { total, batch in
                let lines = max(range.lowerBound, batch.firstLine)..<min(range.upperBound, batch.firstLine + batch.lineCount)
                return lines.isEmpty ? total : total + (try batch.span(of: lines)).count
            }
        }
    }

    func read(_ job: JobLogKey, lines range: Range<Int>, _ consume: ([UInt8], Int) async throws -> Bool) async throws {
        guard !range.isEmpty else { return }
        // The batch holding the first line wanted, then the ones after it, a few at a time.
        var after = try await database.read { db in
            try await db.raw("""
                SELECT first_line FROM job_log_batches WHERE job_id = \(bind: job.id) AND first_line <= \(bind: range.lowerBound)
                ORDER BY first_line DESC LIMIT 1
                """).first()?.decode(column: "first_line", as: Int.self)
        }.map { $0 - 1 } ?? -1
        while after + 1 < range.upperBound {
            let from = after
            let rows = try await database.read { db in
                try await db.raw("""
                    SELECT first_line, line_count, offsets, lines FROM job_log_batches
                    WHERE job_id = \(bind: job.id) AND first_line > \(bind: from) AND first_line < \(bind: range.upperBound)
                      AND first_line + line_count > \(bind: range.lowerBound)
                    ORDER BY first_line LIMIT \(unsafeRaw: String(Self.batchesPerQuery))
                    """).all().map { try StoredBatch($0, withLines: true) }
            }
            guard !rows.isEmpty else { return }
            for batch in rows {
                let lines = max(range.lowerBound, batch.firstLine)..<min(range.upperBound, batch.firstLine + batch.lineCount)
                if !lines.isEmpty {
                    let slice = try batch.bytes(of: lines)
                    guard try await consume(slice, lines.count) else { return }
                }
                after = batch.firstLine
            }
        }
    }

    func save(_ job: JobLogKey, _ file: JobFile, text: String) async throws {
        try await database.write { db in
            try await db.raw("""
                INSERT INTO job_files (job_id, name, content) VALUES (\(bind: job.id), \(bind: file.path), \(bind: Data(text.utf8)))
                ON CONFLICT (job_id, name) DO UPDATE SET content = excluded.content
                """).run()
        }
    }

    func files(_ job: JobLogKey) async throws -> [JobFile] {
        try await database.read { db in
            try await db.raw("SELECT name FROM job_files WHERE job_id = \(bind: job.id) ORDER BY name").all()
                .compactMap { JobFile(path: try $0.decode(column: "name", as: String.self)) }
        }
    }

    func file(_ job: JobLogKey, _ file: JobFile) async throws -> String? {
        try await database.read { db in
            try await db.raw("SELECT content FROM job_files WHERE job_id = \(bind: job.id) AND name = \(bind: file.path)")
                .first()?.decode(column: "content", as: Data.self)
        }.map { String(decoding: $0, as: UTF8.self) }
    }
}

/// One `job_log_batches` row as read: its lines only when they were asked for.
private struct StoredBatch {
    let firstLine: Int
    let lineCount: Int
    let offsets: Data
    let size: Int
    let lines: Data?

    init(_ row: any SQLRow, withLines: Bool) throws {
        firstLine = try row.decode(column: "first_line", as: Int.self)
        lineCount = try row.decode(column: "line_count", as: Int.self)
        offsets = try row.decode(column: "offsets", as: Data.self)
        lines = withLines ? try row.decode(column: "lines", as: Data.self) : nil
        size = try lines?.count ?? row.decode(column: "size", as: Int.self)
    }

    /// Where log lines `range` (within this batch) lie in its lines.
    func span(of range: Range<Int>) throws(LogStorageError) -> Range<Int> {
        guard offsets.count == lineCount * 4 else {
            throw LogStorageError("the log batch at line \(firstLine) is damaged: its offsets do not match its lines")
        }
        func offset(_ line: Int) -> Int {
            let index = line - firstLine
            guard index < lineCount else { return size }
            return Int(offsets.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)) })
        }
        let start = offset(range.lowerBound), end = offset(range.upperBound)
        guard start <= end, end <= size else { throw LogStorageError("the log batch at line \(firstLine) is damaged: an offset is past its lines") }
        return start..<end
    }

    /// The bytes of log lines `range` (within this batch).
    func bytes(of range: Range<Int>) throws(LogStorageError) -> [UInt8] {
        guard let lines else { return [] }
        let span = try span(of: range)
        return [UInt8](lines[lines.startIndex + span.lowerBound ..< lines.startIndex + span.upperBound])
    }
}
