import Foundation
import LavaCore

/// Moves jobs' logs, with the files beside them, into one store (`lava-server logs migrate`),
/// while the servers run. A job is copied, then its row is switched to the new store and marked
/// as moved from the old one (`log_moved_from`), then what reached the old store meanwhile is
/// copied too, and the mark is cleared. Batches its worker sends after the switch go to both
/// (`JobLogStores`), and line numbers keep any line from being stored twice. Stopped at any
/// point, it is run again: a job still marked gets the rest copied first, whatever the target,
/// and what is copied is not copied twice. The old store keeps its copy.
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

    /// A job to move: its row's log key, and the store an interrupted run was copying it from.
    private struct Pending {
        var key: JobLogKey
        var started: Bool
        var movedFrom: LogStoreKind?
    }

    /// Moves every job's log that is not in `target` yet, or whose move was interrupted, oldest
    /// job first, telling `moved` of each.
    @discardableResult
    public func migrate(to target: LogStoreKind, _ moved: @Sendable (Moved) -> Void = { _ in }) async throws -> [Moved] {
        var done: [Moved] = []
        var after = 0
        while true {
            let from = after
            let jobs = try await database.read { db in
                try await db.raw("""
                    SELECT id, submit_time, start_time, log_store, log_moved_from FROM jobs
                    WHERE (log_store <> \(bind: target.rawValue) OR log_moved_from IS NOT NULL) AND id > \(bind: from)
                    ORDER BY id LIMIT \(unsafeRaw: String(Self.jobsPerQuery))
                    """).all().map { row in
                    Pending(key: JobLogKey(id: try row.decode(column: "id", as: Int.self),
                                           submitTime: try row.decode(column: "submit_time", as: Double.self),
                                           store: LogStoreKind(rawValue: try row.decode(column: "log_store", as: Int.self)) ?? .files),
                            started: try row.decode(column: "start_time", as: Double?.self) != nil,
                            movedFrom: try row.decode(column: "log_moved_from", as: Int?.self).flatMap(LogStoreKind.init(rawValue:)))
                }
            }
            guard let last = jobs.last else { return done }
            for job in jobs {
                let result = try await move(job, to: target)
                moved(result)
                done.append(result)
            }
            after = last.key.id
        }
    }

    private func move(_ job: Pending, to target: LogStoreKind) async throws -> Moved {
        var moved = Moved(jobID: job.key.id, lines: 0, files: 0)
        let source = job.key
        if let from = job.movedFrom {
            // An interrupted move: the row names its new store, the old one may have more.
            let old = JobLogKey(id: source.id, submitTime: source.submitTime, store: from)
            if try await logs.count(old) == nil, try await logs.count(source) != nil {
                // Its lines came from the old store, which is not here: the mark stays for a run
                // where it is.
                moved.notFound = true
                return moved
            }
            try await finish(from: old, to: source, &moved)
            if source.store == target { return moved }
        }
        // A job that has run has a log somewhere: pointing it at an empty store would hide it.
        if job.started, try await logs.count(source) == nil {
            moved.notFound = true
            return moved
        }
        let destination = JobLogKey(id: source.id, submitTime: source.submitTime, store: target)
        moved.lines += try await logs.copy(from: source, to: destination)
        moved.files = max(moved.files, try await logs.copyFiles(from: source, to: destination, later: .source))
        try await database.write { db in
            try await db.raw("""
                UPDATE jobs SET log_store = \(bind: target.rawValue), log_moved_from = \(bind: source.store.rawValue)
                WHERE id = \(bind: source.id) AND log_store = \(bind: source.store.rawValue)
                """).run()
        }
        try await finish(from: source, to: destination, &moved)
        return moved
    }

    /// After the switch: copies what reached the old store meanwhile, and clears the mark.
    private func finish(from old: JobLogKey, to current: JobLogKey, _ moved: inout Moved) async throws {
        moved.lines += try await logs.copy(from: old, to: current)
        moved.files = max(moved.files, try await logs.copyFiles(from: old, to: current, later: .destination))
        try await database.write { db in
            try await db.raw("""
                UPDATE jobs SET log_moved_from = NULL WHERE id = \(bind: current.id) AND log_store = \(bind: current.store.rawValue)
                """).run()
        }
    }
}
