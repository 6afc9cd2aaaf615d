import Foundation
import LavaCore

/// Moves jobs' logs, with the files beside them, into one store (`lava-server logs migrate`),
/// while the servers run. A job is copied, then its row is switched to the new store, then what
/// reached the old store meanwhile is copied too; batches its worker sends after the switch go
/// to both (`JobLogStores`), and line numbers keep any line from being stored twice. Stopped at
/// any point, it is run again: what is copied is not copied twice. The old store keeps its copy.
public struct LogMigration: Sendable {
    let logs: JobLogStores
    let database: any Database

    /// Jobs read at a time.
    static let jobsPerQuery = 100

    public init(configuration: ServerConfiguration, database: any Database) {
        logs = JobLogStores(dataDirectory: configuration.dataDirectory, database: database)
        self.database = database
    }

    /// What was moved of one job.
    public struct Moved: Sendable, Equatable {
        public var jobID: Int
        public var lines: Int
        public var files: Int
        /// The job ran but its log is not in the old store here (a data directory of another
        /// host, or one emptied): it was left where it is.
        public var notFound = false
    }

    /// Moves every job's log that is not in `target` yet, oldest job first, telling `moved` of each.
    @discardableResult
    public func migrate(to target: LogStoreKind, _ moved: @Sendable (Moved) -> Void = { _ in }) async throws -> [Moved] {
        var done: [Moved] = []
        var after = 0
        while true {
            let from = after
            let jobs = try await database.read { db in
                try await db.raw("""
                    SELECT id FROM jobs WHERE log_store <> \(bind: target.rawValue) AND id > \(bind: from)
                    ORDER BY id LIMIT \(unsafeRaw: String(Self.jobsPerQuery))
                    """).all().map { try $0.decode(column: "id", as: Int.self) }
            }
            guard let last = jobs.last else { return done }
            for id in jobs {
                guard let job = try await database.read({ try await JobStore.find($0, id: id, withDefinition: false) }) else { continue }
                let result = try await move(job, to: target)
                moved(result)
                done.append(result)
            }
            after = last
        }
    }

    private func move(_ job: JobRecord, to target: LogStoreKind) async throws -> Moved {
        let source = job.logKey
        let destination = JobLogKey(id: job.id, submitTime: job.submitTime, store: target)
        // A job that has run has a log somewhere: pointing it at an empty store would hide it.
        if job.startTime != nil, try await logs.store(source).count(source) == nil {
            return Moved(jobID: job.id, lines: 0, files: 0, notFound: true)
        }
        var lines = try await logs.copy(from: source, to: destination)
        var files = try await copyFiles(source, destination)
        try await database.write { db in
            try await db.raw("""
                UPDATE jobs SET log_store = \(bind: target.rawValue) WHERE id = \(bind: job.id) AND log_store = \(bind: source.store.rawValue)
                """).run()
        }
        // What reached the old store between the copy and the switch.
        lines += try await logs.copy(from: source, to: destination)
        files = max(files, try await copyFiles(source, destination))
        return Moved(jobID: job.id, lines: lines, files: files)
    }

    private func copyFiles(_ source: JobLogKey, _ destination: JobLogKey) async throws -> Int {
        let (from, to) = (logs.store(source), logs.store(destination))
        var copied = 0
        for file in try await from.files(source) {
            guard let text = try await from.file(source, file) else { continue }
            try await to.save(destination, file, text: text)
            copied += 1
        }
        return copied
    }
}
