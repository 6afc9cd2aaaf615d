import Foundation
import SQLKit

/// The server's logs: each job's in the store its row names (`jobs.log_store`), so that logs
/// kept in files before the database store was chosen stay readable beside the new ones.
///
/// `lava-server logs migrate` may move a job's log while its worker still sends batches: a
/// batch or file written to the store the job was read with is written again where the row
/// says the log is now, and a batch numbered past what its store holds first gets the lines
/// between from the other store, where they still are. Line numbers keep a line from being
/// stored twice, so nothing is lost or put out of its place.
struct JobLogStores: JobLogStore {
    let files: JobLogFiles
    let table: JobLogTable
    let database: any Database

    /// Files under `dataDirectory`, rows in `database`.
    init(dataDirectory: URL, database: any Database) {
        files = JobLogFiles(root: dataDirectory)
        table = JobLogTable(database: database)
        self.database = database
    }

    func store(_ job: JobLogKey) -> any JobLogStore {
        switch job.store {
        case .files: files
        case .database: table
        }
    }

    /// The job's key as its row says now, when that differs from `job`.
    private func moved(_ job: JobLogKey) async throws -> JobLogKey? {
        let now = try await database.read { db in
            try await db.raw("SELECT log_store FROM jobs WHERE id = \(bind: job.id)").first()?.decode(column: "log_store", as: Int.self)
        }
        guard let now, let kind = LogStoreKind(rawValue: now), kind != job.store else { return nil }
        return JobLogKey(id: job.id, submitTime: job.submitTime, store: kind)
    }

    /// The outcome in the store the job was read with: whether this batch's lines were new.
    func append(_ job: JobLogKey, index: Int, lines: [String], by writer: LogWriter) async throws -> AppendOutcome {
        try await fillGap(job, before: index)
        let outcome = try await store(job).append(job, index: index, lines: lines, by: writer)
        if let now = try await moved(job) {
            // Where the sender numbered it when the new store has that many lines; else where the
            // old store placed it (a sender ahead has it placed lower), the lines up to there
            // copied from the old store first.
            let at = (try await store(now).count(now) ?? 0) >= index ? index : outcome.firstLine
            try await fillGap(now, before: at)
            _ = try await store(now).append(now, index: at, lines: lines, by: .copy)
        }
        return outcome
    }

    /// Copies into `job`'s store the lines before `index` it lacks and the other store has: a
    /// log being moved has them there until the migration has copied them.
    private func fillGap(_ job: JobLogKey, before index: Int) async throws {
        let have = try await store(job).count(job) ?? 0
        guard have < index else { return }
        let other = JobLogKey(id: job.id, submitTime: job.submitTime, store: job.store == .files ? .database : .files)
        _ = try await copy(from: other, to: job, before: index)
    }

    /// Bytes copied at a time (whole lines: a step may go past it by one read chunk).
    static let bytesPerCopy = 1024 * 1024

    /// Copies the lines `destination` lacks from `source`, up to `end`, about `bytesPerCopy` at
    /// a time, straight between the two stores; returns how many were new.
    func copy(from source: JobLogKey, to destination: JobLogKey, before end: Int = .max) async throws -> Int {
        let (from, to) = (store(source), store(destination))
        guard let stored = try await from.count(source) else { return 0 }
        let total = min(stored, end)
        var next = try await to.count(destination) ?? 0
        var copied = 0
        while next < total {
            var lines: [String] = []
            var size = 0
            try await from.read(source, lines: next..<total) { bytes, _ in
                lines += JobLogLines.split(bytes)
                size += bytes.count
                return size < Self.bytesPerCopy
            }
            guard !lines.isEmpty else { break }
            copied += try await to.append(destination, index: next, lines: lines, by: .copy).appended
            next += lines.count
        }
        return copied
    }

    /// Which copy of a file that both stores hold is the later one.
    enum Later { case source, destination }

    /// Copies the files kept beside `source`'s log to `destination`; returns how many. A result's
    /// `extra` file both hold gets the keys of both, `later`'s over the other's: each store may
    /// have had keys added while the log was moved.
    func copyFiles(from source: JobLogKey, to destination: JobLogKey, later: Later) async throws -> Int {
        let (from, to) = (store(source), store(destination))
        var copied = 0
        for file in try await from.files(source) {
            guard var text = try await from.file(source, file) else { continue }
            if case .metadata = file, let there = try await to.file(destination, file) {
                text = try later == .source ? ResultMetadata.merged(there, text) : ResultMetadata.merged(text, there)
            }
            try await to.save(destination, file, text: text)
            copied += 1
        }
        return copied
    }

    func count(_ job: JobLogKey) async throws -> Int? {
        try await store(job).count(job)
    }

    func byteCount(_ job: JobLogKey, lines range: Range<Int>) async throws -> Int {
        try await store(job).byteCount(job, lines: range)
    }

    func read(_ job: JobLogKey, lines range: Range<Int>, _ consume: ([UInt8], Int) async throws -> Bool) async throws {
        try await store(job).read(job, lines: range, consume)
    }

    func save(_ job: JobLogKey, _ file: JobFile, text: String) async throws {
        try await store(job).save(job, file, text: text)
        if let now = try await moved(job) {
            var text = text
            // Keys added to the store the log was moved to are kept.
            if case .metadata = file { text = try ResultMetadata.merged(try await store(now).file(now, file), text) }
            try await store(now).save(now, file, text: text)
        }
    }

    func file(_ job: JobLogKey, _ file: JobFile) async throws -> String? {
        try await store(job).file(job, file)
    }

    func files(_ job: JobLogKey) async throws -> [JobFile] {
        try await store(job).files(job)
    }

    /// The directory results' `extra` is said to be kept in: their metadata names it as LAVA's
    /// names its own, LAVA's layout under the data directory, whichever store holds the data.
    func metadataDirectory(_ job: JobLogKey) -> String {
        files.metadataDirectory(jobID: job.id, submitTime: job.submitTime).path
    }
}
