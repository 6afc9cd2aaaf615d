import SQLKit

/// A row of `workers`.
public struct WorkerRecord: Sendable, Equatable {
    public var name: String
    public var tokenHash: String
    public var description: String
    public var state: WorkerState
    public var health: WorkerHealth
    public var version: String?
    /// Last ping whose version was accepted (LAVA's `last_ping`).
    public var lastPing: Double?
    /// Last authenticated ping of any version: a stale worker draining its jobs is still there.
    public var lastContact: Double?
    public var jobLimit: Int
}

/// A job a ping reports to its worker.
struct LiveJob: Sendable, Equatable {
    var id: Int
    var token: String
    var state: JobState
}

enum WorkerStore {
    private static let columns = "name, token_hash, description, state, health, version, last_ping, last_contact, job_limit"

    static func find(_ db: any SQLDatabase, name: String) async throws -> WorkerRecord? {
        try await db.raw("SELECT \(unsafeRaw: columns) FROM workers WHERE name = \(bind: name)").first().map(decode)
    }

    /// A worker and its jobs in the states a ping reports (Scheduled, Running, Canceling), in one
    /// query: the ping is the hottest request, and every round trip to the database counts.
    static func findWithLiveJobs(_ db: any SQLDatabase, name: String) async throws -> (WorkerRecord, [LiveJob])? {
        let rows = try await db.raw("""
            SELECT w.name, w.token_hash, w.description, w.state, w.health, w.version, w.last_ping, w.last_contact,
                   w.job_limit, j.id AS job_id, j.token AS job_token, j.state AS job_state
            FROM workers w LEFT JOIN jobs j ON j.worker = w.name
                AND j.state IN (\(bind: JobState.scheduled.rawValue), \(bind: JobState.running.rawValue), \(bind: JobState.canceling.rawValue))
            WHERE w.name = \(bind: name)
            ORDER BY j.id
            """).all()
        guard let first = rows.first else { return nil }
        let jobs = try rows.compactMap { row -> LiveJob? in
            guard let id = try row.decode(column: "job_id", as: Int?.self) else { return nil }
            return LiveJob(
                id: id,
                token: try row.decode(column: "job_token", as: String.self),
                state: JobState(rawValue: try row.decode(column: "job_state", as: Int.self)) ?? .running
            )
        }
        return (try decode(first), jobs)
    }

    static func all(_ db: any SQLDatabase) async throws -> [WorkerRecord] {
        try await db.raw("SELECT \(unsafeRaw: columns) FROM workers ORDER BY name").all().map(decode)
    }

    /// Every worker's name and version, in name order: what the fleet page pages and filters on
    /// without reading whole rows.
    static func versions(_ db: any SQLDatabase) async throws -> [(name: String, version: String?)] {
        try await db.raw("SELECT name, version FROM workers ORDER BY name").all().map { row in
            (try row.decode(column: "name", as: String.self), try row.decode(column: "version", as: String?.self))
        }
    }

    /// The workers named, in name order.
    static func find(_ db: any SQLDatabase, names: [String]) async throws -> [WorkerRecord] {
        guard !names.isEmpty else { return [] }
        return try await db.raw("""
            SELECT \(unsafeRaw: columns) FROM workers WHERE name IN (\(binds: names)) ORDER BY name
            """).all().map(decode)
    }

    /// Workers counted by state, health and version, for the summary page.
    static func counts(_ db: any SQLDatabase) async throws -> [(state: WorkerState, health: WorkerHealth, version: String?, count: Int)] {
        try await db.raw("SELECT state, health, version, COUNT(*) AS n FROM workers GROUP BY state, health, version").all().compactMap { row in
            guard let state = WorkerState(rawValue: try row.decode(column: "state", as: Int.self)),
                  let health = WorkerHealth(rawValue: try row.decode(column: "health", as: Int.self))
            else { return nil }
            return (state, health, try row.decode(column: "version", as: String?.self), try row.decode(column: "n", as: Int.self))
        }
    }

    static func insert(_ db: any SQLDatabase, name: String, tokenHash: String, description: String) async throws {
        try await db.raw("""
            INSERT INTO workers (name, token_hash, description, state, health, job_limit)
            VALUES (\(bind: name), \(bind: tokenHash), \(bind: description),
                    \(bind: WorkerState.offline.rawValue), \(bind: WorkerHealth.active.rawValue), 0)
            """).run()
        ChangeSet.worker(name)
    }

    /// Records what a ping changed from `previous`; the caller only calls it when something did.
    static func recordPing(_ db: any SQLDatabase, _ worker: WorkerRecord, previous: WorkerRecord) async throws {
        try await db.raw("""
            UPDATE workers SET version = \(bind: worker.version), state = \(bind: worker.state.rawValue),
                last_ping = \(bind: worker.lastPing), last_contact = \(bind: worker.lastContact)
            WHERE name = \(bind: worker.name)
            """).run()
        if worker.state != previous.state { ChangeSet.worker(worker.name) }
    }

    /// Ping times only, from the ledger; `lastPing` nil leaves the stored one. Times only move
    /// forward: with several instances behind a load balancer, one may write its older ledger
    /// after another wrote a newer ping of the same worker.
    static func recordTimes(_ db: any SQLDatabase, name: String, lastPing: Double?, lastContact: Double) async throws {
        try await db.raw("""
            UPDATE workers SET
                last_ping = CASE WHEN last_ping IS NULL OR last_ping < COALESCE(\(bind: lastPing), last_ping)
                                 THEN \(bind: lastPing) ELSE last_ping END,
                last_contact = CASE WHEN last_contact IS NULL OR last_contact < \(bind: lastContact)
                                    THEN \(bind: lastContact) ELSE last_contact END
            WHERE name = \(bind: name)
            """).run()
    }

    /// False when there is no such worker.
    static func setHealth(_ db: any SQLDatabase, name: String, health: WorkerHealth) async throws -> Bool {
        guard let worker = try await find(db, name: name) else { return false }
        guard worker.health != health else { return true }
        try await db.raw("UPDATE workers SET health = \(bind: health.rawValue) WHERE name = \(bind: name)").run()
        ChangeSet.worker(name)
        return true
    }

    /// What an admin may change beside the health (`scheduler.workers.update`). False when there is no such worker.
    static func setDetails(_ db: any SQLDatabase, name: String, description: String?, jobLimit: Int?) async throws -> Bool {
        guard let worker = try await find(db, name: name) else { return false }
        let description = description ?? worker.description
        let jobLimit = jobLimit ?? worker.jobLimit
        guard description != worker.description || jobLimit != worker.jobLimit else { return true }
        try await db.raw("""
            UPDATE workers SET description = \(bind: description), job_limit = \(bind: jobLimit) WHERE name = \(bind: name)
            """).run()
        ChangeSet.worker(name)
        return true
    }

    static func setTokenHash(_ db: any SQLDatabase, name: String, tokenHash: String) async throws {
        try await db.raw("UPDATE workers SET token_hash = \(bind: tokenHash) WHERE name = \(bind: name)").run()
    }

    /// Online workers silent since `cutoff` become Offline (spec §4.2 step 1); returns their names.
    static func markSilentOffline(_ db: any SQLDatabase, cutoff: Double) async throws -> [String] {
        let names = try await db.raw("""
            UPDATE workers SET state = \(bind: WorkerState.offline.rawValue)
            WHERE state = \(bind: WorkerState.online.rawValue) AND (last_ping IS NULL OR last_ping < \(bind: cutoff))
            RETURNING name
            """).all().map { try $0.decode(column: "name", as: String.self) }
        names.forEach(ChangeSet.worker)
        return names
    }

    private static func decode(_ row: any SQLRow) throws -> WorkerRecord {
        WorkerRecord(
            name: try row.decode(column: "name", as: String.self),
            tokenHash: try row.decode(column: "token_hash", as: String.self),
            description: try row.decode(column: "description", as: String.self),
            state: WorkerState(rawValue: try row.decode(column: "state", as: Int.self)) ?? .offline,
            health: WorkerHealth(rawValue: try row.decode(column: "health", as: Int.self)) ?? .maintenance,
            version: try row.decode(column: "version", as: String?.self),
            lastPing: try row.decode(column: "last_ping", as: Double?.self),
            lastContact: try row.decode(column: "last_contact", as: Double?.self),
            jobLimit: try row.decode(column: "job_limit", as: Int.self)
        )
    }
}
