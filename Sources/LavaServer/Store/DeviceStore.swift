import SQLKit

/// A row of `devices`.
public struct DeviceRecord: Sendable, Equatable {
    public var name: String
    public var deviceType: String
    public var worker: String
    public var state: DeviceState
    public var health: DeviceHealth
    public var dictionary: String
}

enum DeviceStore {
    private static let columns = "name, device_type, worker, state, health, dictionary"

    static func insertType(_ db: any SQLDatabase, name: String) async throws {
        try await db.raw("INSERT INTO device_types (name) VALUES (\(bind: name))").run()
    }

    static func typeExists(_ db: any SQLDatabase, name: String) async throws -> Bool {
        try await db.raw("SELECT name FROM device_types WHERE name = \(bind: name)").first() != nil
    }

    static func types(_ db: any SQLDatabase) async throws -> [String] {
        try await db.raw("SELECT name FROM device_types ORDER BY name").all().map { try $0.decode(column: "name", as: String.self) }
    }

    static func insert(_ db: any SQLDatabase, name: String, type: String, worker: String, health: DeviceHealth, dictionary: String) async throws {
        try await db.raw("""
            INSERT INTO devices (name, device_type, worker, state, health, dictionary)
            VALUES (\(bind: name), \(bind: type), \(bind: worker), \(bind: DeviceState.idle.rawValue),
                    \(bind: health.rawValue), \(bind: dictionary))
            """).run()
        ChangeSet.device(name)
    }

    static func find(_ db: any SQLDatabase, name: String) async throws -> DeviceRecord? {
        try await db.raw("SELECT \(unsafeRaw: columns) FROM devices WHERE name = \(bind: name)").first().map(decode)
    }

    static func all(_ db: any SQLDatabase) async throws -> [DeviceRecord] {
        try await db.raw("SELECT \(unsafeRaw: columns) FROM devices ORDER BY name").all().map(decode)
    }

    static func on(_ db: any SQLDatabase, worker: String) async throws -> [DeviceRecord] {
        try await db.raw("SELECT \(unsafeRaw: columns) FROM devices WHERE worker = \(bind: worker) ORDER BY name").all().map(decode)
    }

    /// A page of devices in name order, and how many there are. Without their dictionaries,
    /// which lists do not show (`dictionary` is empty).
    static func page(_ db: any SQLDatabase, limit: Int, offset: Int) async throws -> (count: Int, devices: [DeviceRecord]) {
        let count = try await db.raw("SELECT COUNT(*) AS n FROM devices").first()?.decode(column: "n", as: Int.self) ?? 0
        let devices = try await db.raw("""
            SELECT name, device_type, worker, state, health, '' AS dictionary FROM devices ORDER BY name
            LIMIT \(bind: limit) OFFSET \(bind: offset)
            """).all().map(decode)
        return (count, devices)
    }

    /// Devices per worker of `workers`, for the fleet page.
    static func countsByWorker(_ db: any SQLDatabase, workers: [String]) async throws -> [String: Int] {
        guard !workers.isEmpty else { return [:] }
        var counts: [String: Int] = [:]
        for row in try await db.raw("SELECT worker, COUNT(*) AS n FROM devices WHERE worker IN (\(binds: workers)) GROUP BY worker").all() {
            counts[try row.decode(column: "worker", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }

    static func countByStateAndHealth(_ db: any SQLDatabase) async throws -> [(state: DeviceState, health: DeviceHealth, count: Int)] {
        try await db.raw("SELECT state, health, COUNT(*) AS n FROM devices GROUP BY state, health").all().compactMap { row in
            guard let state = DeviceState(rawValue: try row.decode(column: "state", as: Int.self)),
                  let health = DeviceHealth(rawValue: try row.decode(column: "health", as: Int.self))
            else { return nil }
            return (state, health, try row.decode(column: "n", as: Int.self))
        }
    }

    static func setState(_ db: any SQLDatabase, name: String, state: DeviceState) async throws {
        let changed = try await db.raw("""
            UPDATE devices SET state = \(bind: state.rawValue) WHERE name = \(bind: name) AND state <> \(bind: state.rawValue)
            RETURNING name
            """).first() != nil
        if changed { ChangeSet.device(name) }
    }

    /// False when there is no such device.
    static func setHealth(_ db: any SQLDatabase, name: String, health: DeviceHealth) async throws -> Bool {
        guard let device = try await find(db, name: name) else { return false }
        guard device.health != health else { return true }
        try await db.raw("UPDATE devices SET health = \(bind: health.rawValue) WHERE name = \(bind: name)").run()
        ChangeSet.device(name)
        return true
    }

    /// The job holding the device (Scheduled, Running or Canceling), as LAVA's `current_job`.
    static func currentJob(_ db: any SQLDatabase, name: String) async throws -> Int? {
        try await db.raw("""
            SELECT id FROM jobs WHERE device = \(bind: name)
              AND state IN (\(bind: JobState.scheduled.rawValue), \(bind: JobState.running.rawValue), \(bind: JobState.canceling.rawValue))
            ORDER BY id LIMIT 1
            """).first()?.decode(column: "id", as: Int.self)
    }

    static func setDictionary(_ db: any SQLDatabase, name: String, dictionary: String) async throws -> Bool {
        try await db.raw("UPDATE devices SET dictionary = \(bind: dictionary) WHERE name = \(bind: name) RETURNING name")
            .first() != nil
    }

    /// Devices a job may go to now: Idle, Good or Unknown, on an Online and Active worker.
    static func available(_ db: any SQLDatabase) async throws -> [(device: DeviceRecord, workerVersion: String?, workerJobLimit: Int)] {
        try await db.raw("""
            SELECT d.name, d.device_type, d.worker, d.state, d.health, d.dictionary, w.version, w.job_limit
            FROM devices d JOIN workers w ON w.name = d.worker
            WHERE d.state = \(bind: DeviceState.idle.rawValue)
              AND d.health IN (\(bind: DeviceHealth.good.rawValue), \(bind: DeviceHealth.unknown.rawValue))
              AND w.state = \(bind: WorkerState.online.rawValue) AND w.health = \(bind: WorkerHealth.active.rawValue)
            ORDER BY d.name
            """).all().map { row in
            (try decode(row), try row.decode(column: "version", as: String?.self), try row.decode(column: "job_limit", as: Int.self))
        }
    }

    /// Reserves an Idle device; false when another scheduler reserved it first.
    static func reserve(_ db: any SQLDatabase, name: String) async throws -> Bool {
        let reserved = try await db.raw("""
            UPDATE devices SET state = \(bind: DeviceState.reserved.rawValue)
            WHERE name = \(bind: name) AND state = \(bind: DeviceState.idle.rawValue)
            RETURNING name
            """).first() != nil
        if reserved { ChangeSet.device(name) }
        return reserved
    }

    /// Devices in Reserved or Running per worker: the load `job_limit` caps.
    static func busyCounts(_ db: any SQLDatabase) async throws -> [String: Int] {
        let rows = try await db.raw("""
            SELECT worker, COUNT(*) AS n FROM devices WHERE state <> \(bind: DeviceState.idle.rawValue) GROUP BY worker
            """).all()
        var counts: [String: Int] = [:]
        for row in rows {
            counts[try row.decode(column: "worker", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }

    private static func decode(_ row: any SQLRow) throws -> DeviceRecord {
        DeviceRecord(
            name: try row.decode(column: "name", as: String.self),
            deviceType: try row.decode(column: "device_type", as: String.self),
            worker: try row.decode(column: "worker", as: String.self),
            state: DeviceState(rawValue: try row.decode(column: "state", as: Int.self)) ?? .idle,
            health: DeviceHealth(rawValue: try row.decode(column: "health", as: Int.self)) ?? .maintenance,
            dictionary: try row.decode(column: "dictionary", as: String.self)
        )
    }
}
