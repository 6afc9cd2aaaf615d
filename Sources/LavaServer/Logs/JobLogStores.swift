/// The server's logs: each job's in the store its row names (`jobs.log_store`), so that logs
/// kept in files before the database store was chosen stay readable beside the new ones.
struct JobLogStores: JobLogStore {
    let files: JobLogFiles
    let table: JobLogTable

    private func store(_ job: JobLogKey) -> any JobLogStore {
        switch job.store {
        case .files: files
        case .database: table
        }
    }

    func append(_ job: JobLogKey, index: Int, lines: [String]) async throws -> AppendOutcome {
        try await store(job).append(job, index: index, lines: lines)
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
    }

    func file(_ job: JobLogKey, _ file: JobFile) async throws -> String? {
        try await store(job).file(job, file)
    }

    func metadataDirectory(_ job: JobLogKey) -> String {
        files.metadataDirectory(job)
    }
}
