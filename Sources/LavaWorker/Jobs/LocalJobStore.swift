import CSystemSQLite
import Foundation
import Synchronization

/// The worker's jobs in `<worker-dir>/db.sqlite3`, LAVA's own file and table (spec §4.3), so a
/// restarted worker neither loses nor restarts a job, and a worker directory moves between
/// LAVA's worker and this one with its jobs. Every change is one synced transaction.
///
/// Written on the C API: the Swift SQLite packages at hand (SQLiteNIO) need SwiftNIO, which the
/// worker binaries do without.
public final class LocalJobStore: Sendable {
    public let file: URL
    // The connection is used from whichever task holds the lock.
    private let connection: Mutex<SQLiteConnection>

    public init(workerDirectory: URL) throws(LocalJobStoreError) {
        file = workerDirectory.appendingPathComponent("db.sqlite3")
        do {
            try FileManager.default.createDirectory(at: workerDirectory, withIntermediateDirectories: true)
        } catch {
            throw LocalJobStoreError("cannot create \(workerDirectory.path): \(error.localizedDescription); check --worker-dir")
        }
        let opened = try SQLiteConnection(path: file.path)
        try opened.execute("PRAGMA synchronous = FULL")
        try opened.execute("""
            CREATE TABLE IF NOT EXISTS jobs (id INTEGER PRIMARY KEY, pid INTEGER, status INTEGER, last_update INTEGER, \
            prefix VARCHAR(100) DEFAULT '', token VARCHAR(32) DEFAULT '')
            """)
        // Files written by LAVA before 2022 lack these columns; LAVA adds them the same way.
        let columns = try opened.query("PRAGMA table_info(jobs)") { $0.text(1) }
        for (name, type) in [("prefix", "VARCHAR(100)"), ("token", "VARCHAR(32)")] where !columns.contains(name) {
            try opened.execute("ALTER TABLE jobs ADD COLUMN \(name) \(type) DEFAULT ''")
        }
        connection = Mutex(opened)
    }

    public func all() throws(LocalJobStoreError) -> [LocalJob] {
        try connection.withLock { (db) throws(LocalJobStoreError) in
            try db.query("SELECT id, pid, status, last_update, prefix, token FROM jobs ORDER BY id") { row in
                LocalJob(id: row.int(0), token: row.text(5), pid: Int32(truncatingIfNeeded: row.int(1)),
                         status: LocalJob.Status(rawValue: row.int(2)) ?? .finished, lastUpdate: row.int(3), prefix: row.text(4))
            }
        }
    }

    public func find(id: Int) throws(LocalJobStoreError) -> LocalJob? {
        try all().first { $0.id == id }
    }

    public func save(_ job: LocalJob) throws(LocalJobStoreError) {
        try connection.withLock { (db) throws(LocalJobStoreError) in
            try db.execute("INSERT OR REPLACE INTO jobs (id, pid, status, last_update, prefix, token) VALUES (?, ?, ?, ?, ?, ?)",
                           [.int(job.id), .int(Int(job.pid)), .int(job.status.rawValue), .int(job.lastUpdate),
                            .text(job.prefix), .text(job.token)])
        }
    }

    public func remove(id: Int) throws(LocalJobStoreError) {
        try connection.withLock { (db) throws(LocalJobStoreError) in
            try db.execute("DELETE FROM jobs WHERE id = ?", [.int(id)])
        }
    }
}

public struct LocalJobStoreError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
