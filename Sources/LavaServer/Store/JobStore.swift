import SQLKit

/// A row of `jobs`.
public struct JobRecord: Sendable, Equatable {
    public var id: Int
    public var submitter: String
    public var description: String
    public var definition: String
    public var deviceType: String
    public var requestedWorker: String?
    public var requestedDevice: String?
    public var priority: Int
    public var state: JobState
    public var health: JobHealth
    public var token: String
    public var device: String?
    public var worker: String?
    public var submitTime: Double
    public var scheduledTime: Double?
    public var startTime: Double?
    public var endTime: Double?
    public var jobTimeout: Double
    public var queueTimeout: Double?
    public var errorType: String
    public var failureComment: String
    public var visibility: JobVisibilityKind
    /// Where its log is kept.
    public var logStore: LogStoreKind = .files
}

/// What a new job row holds when submitted.
struct NewJob: Sendable {
    var submitter: String
    var description: String
    var definition: String
    var deviceType: String
    var requestedWorker: String?
    var requestedDevice: String?
    var priority: Int
    var token: String
    var submitTime: Double
    var jobTimeout: Double
    var queueTimeout: Double?
    var visibility: JobVisibilityKind = .public
    var logStore: LogStoreKind = .files
    /// For `.group`: the groups whose members (all of them at once) may see the job.
    var viewingGroups: [String] = []
}

/// A job holding a device, as the pages show it beside its worker and device.
struct ActiveJob: Sendable, Equatable {
    var id: Int
    var state: JobState
    var device: String?
    var worker: String?
}

/// A filter and page of the job list.
struct JobQuery: Sendable {
    var state: JobState?
    var health: JobHealth?
    var deviceType: String?
    var submitter: String?
    var device: String?
    var worker: String?
    /// Only jobs that ended at or after this time.
    var endedSince: Double?
    /// False for the pages' tables, which show no definition (it may be 4 MiB a job).
    var withDefinitions = true
    var limit = 50
    var offset = 0
    /// Only jobs this user may see; nil is anonymous.
    var viewer: UserRecord?
}

enum JobStore {
    private static let columns = """
        id, submitter, description, definition, device_type, requested_worker, requested_device, priority, \
        state, health, token, device, worker, submit_time, scheduled_time, start_time, end_time, job_timeout, \
        queue_timeout, error_type, failure_comment, visibility, log_store
        """
    /// The same without the definition (read as ''), for what shows no definition.
    private static let columnsWithoutDefinition = columns.replacingOccurrences(of: "description, definition,", with: "description, '' AS definition,")

    static func insert(_ db: any SQLDatabase, _ job: NewJob) async throws -> Int {
        let row = try await db.raw("""
            INSERT INTO jobs (submitter, description, definition, device_type, requested_worker, requested_device,
                priority, state, health, token, submit_time, job_timeout, queue_timeout, visibility, log_store)
            VALUES (\(bind: job.submitter), \(bind: job.description), \(bind: job.definition), \(bind: job.deviceType),
                \(bind: job.requestedWorker), \(bind: job.requestedDevice), \(bind: job.priority),
                \(bind: JobState.submitted.rawValue), \(bind: JobHealth.unknown.rawValue), \(bind: job.token),
                \(bind: job.submitTime), \(bind: job.jobTimeout), \(bind: job.queueTimeout), \(bind: job.visibility.rawValue), \(bind: job.logStore.rawValue))
            RETURNING id
            """).first()
        guard let row else { throw ServerSetupError("the database returned no id for a new job") }
        let id = try row.decode(column: "id", as: Int.self)
        for group in job.viewingGroups {
            try await db.raw("INSERT INTO job_viewing_groups (job_id, group_name) VALUES (\(bind: id), \(bind: group))").run()
        }
        ChangeSet.job(id)
        return id
    }

    /// The groups of a `.group` job.
    static func viewingGroups(_ db: any SQLDatabase, id: Int) async throws -> [String] {
        try await db.raw("SELECT group_name FROM job_viewing_groups WHERE job_id = \(bind: id) ORDER BY group_name").all()
            .map { try $0.decode(column: "group_name", as: String.self) }
    }

    /// `forUpdate` locks the row on PostgreSQL (SQLite's write transaction already excludes others).
    /// `withDefinition` false reads the definition as "" (for the pages that show none).
    static func find(_ db: any SQLDatabase, id: Int, forUpdate: Bool = false, withDefinition: Bool = true) async throws -> JobRecord? {
        let lock = forUpdate && db.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        let selected = withDefinition ? columns : columnsWithoutDefinition
        return try await db.raw("SELECT \(unsafeRaw: selected) FROM jobs WHERE id = \(bind: id)\(unsafeRaw: lock)")
            .first().map(decode)
    }

    static func list(_ db: any SQLDatabase, _ query: JobQuery) async throws -> (count: Int, jobs: [JobRecord]) {
        var conditions: [SQLQueryString] = []
        if let state = query.state { conditions.append("state = \(bind: state.rawValue)") }
        if let health = query.health { conditions.append("health = \(bind: health.rawValue)") }
        if let deviceType = query.deviceType { conditions.append("device_type = \(bind: deviceType)") }
        if let submitter = query.submitter { conditions.append("submitter = \(bind: submitter)") }
        if let device = query.device { conditions.append("device = \(bind: device)") }
        if let worker = query.worker { conditions.append("worker = \(bind: worker)") }
        if let endedSince = query.endedSince { conditions.append("end_time >= \(bind: endedSince)") }
        if let visible = JobAccess.visibleCondition(to: query.viewer) { conditions.append(visible) }
        let filter: SQLQueryString = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let count = try await db.raw("SELECT COUNT(*) AS n FROM jobs \(filter)").first()?
            .decode(column: "n", as: Int.self) ?? 0
        let jobs = try await db.raw("""
            SELECT \(unsafeRaw: query.withDefinitions ? columns : columnsWithoutDefinition) FROM jobs \(filter) ORDER BY id DESC
            LIMIT \(bind: query.limit) OFFSET \(bind: query.offset)
            """).all().map(decode)
        return (count, jobs)
    }

    static func markRunning(_ db: any SQLDatabase, id: Int, now: Double) async throws {
        try await db.raw("""
            UPDATE jobs SET state = \(bind: JobState.running.rawValue), start_time = \(bind: now)
            WHERE id = \(bind: id)
            """).run()
        ChangeSet.job(id)
    }

    static func markCanceling(_ db: any SQLDatabase, id: Int) async throws {
        try await db.raw("UPDATE jobs SET state = \(bind: JobState.canceling.rawValue) WHERE id = \(bind: id)").run()
        ChangeSet.job(id)
    }

    static func finish(
        _ db: any SQLDatabase, id: Int, health: JobHealth, now: Double, startTime: Double?,
        errorType: String, failureComment: String
    ) async throws {
        try await db.raw("""
            UPDATE jobs SET state = \(bind: JobState.finished.rawValue), health = \(bind: health.rawValue),
                end_time = \(bind: now), start_time = \(bind: startTime ?? now), error_type = \(bind: errorType),
                failure_comment = \(bind: failureComment)
            WHERE id = \(bind: id)
            """).run()
        ChangeSet.job(id)
    }

    static func appendFailureComment(_ db: any SQLDatabase, id: Int, _ comment: String) async throws {
        guard let job = try await find(db, id: id, forUpdate: true) else { return }
        let joined = job.failureComment.isEmpty ? comment : job.failureComment + "\n" + comment
        try await db.raw("UPDATE jobs SET failure_comment = \(bind: joined) WHERE id = \(bind: id)").run()
    }

    /// Submitted jobs in queue order: priority, then submit time, then id (spec §4.2 step 4).
    static func queue(_ db: any SQLDatabase) async throws -> [JobRecord] {
        try await db.raw("""
            SELECT \(unsafeRaw: columns) FROM jobs WHERE state = \(bind: JobState.submitted.rawValue)
            ORDER BY priority DESC, submit_time, id
            """).all().map(decode)
    }

    /// Jobs holding a device: Scheduled, Running or Canceling.
    static func active(_ db: any SQLDatabase) async throws -> [JobRecord] {
        try await db.raw("""
            SELECT \(unsafeRaw: columns) FROM jobs
            WHERE state IN (\(bind: JobState.scheduled.rawValue), \(bind: JobState.running.rawValue), \(bind: JobState.canceling.rawValue))
            ORDER BY id
            """).all().map(decode)
    }

    /// The active jobs `viewer` may see (nil: anonymous), where they run: for the pages, which
    /// show no more of them. `workers` or `devices`: only the jobs on those (a page's rows).
    static func active(
        _ db: any SQLDatabase, visibleTo viewer: UserRecord?, workers: [String]? = nil, devices: [String]? = nil
    ) async throws -> [ActiveJob] {
        var conditions: [SQLQueryString] = []
        if let visible = JobAccess.visibleCondition(to: viewer) { conditions.append(visible) }
        if let workers { conditions.append(workers.isEmpty ? "1 = 0" : "worker IN (\(binds: workers))") }
        if let devices { conditions.append(devices.isEmpty ? "1 = 0" : "device IN (\(binds: devices))") }
        let filter: SQLQueryString = conditions.isEmpty ? "" : "AND " + conditions.joined(separator: " AND ")
        return try await db.raw("""
            SELECT id, state, device, worker FROM jobs
            WHERE state IN (\(bind: JobState.scheduled.rawValue), \(bind: JobState.running.rawValue), \(bind: JobState.canceling.rawValue))
            \(filter) ORDER BY id
            """).all().map { row in
            ActiveJob(
                id: try row.decode(column: "id", as: Int.self),
                state: JobState(rawValue: try row.decode(column: "state", as: Int.self)) ?? .running,
                device: try row.decode(column: "device", as: String?.self),
                worker: try row.decode(column: "worker", as: String?.self)
            )
        }
    }

    /// Gives a Submitted job its device; false when another scheduler got there first.
    static func assign(_ db: any SQLDatabase, id: Int, device: String, worker: String, now: Double) async throws -> Bool {
        let assigned = try await db.raw("""
            UPDATE jobs SET state = \(bind: JobState.scheduled.rawValue), device = \(bind: device),
                worker = \(bind: worker), scheduled_time = \(bind: now)
            WHERE id = \(bind: id) AND state = \(bind: JobState.submitted.rawValue)
            RETURNING id
            """).first() != nil
        if assigned { ChangeSet.job(id) }
        return assigned
    }

    static func countByState(_ db: any SQLDatabase) async throws -> [(state: JobState, health: JobHealth, count: Int)] {
        try await countByState(db, filter: "")
    }

    /// Only the jobs `viewer` may see (nil: anonymous), for the pages.
    static func countByState(_ db: any SQLDatabase, visibleTo viewer: UserRecord?) async throws -> [(state: JobState, health: JobHealth, count: Int)] {
        try await countByState(db, filter: JobAccess.visibleCondition(to: viewer).map { "WHERE " + $0 } ?? "")
    }

    private static func countByState(_ db: any SQLDatabase, filter: SQLQueryString) async throws -> [(state: JobState, health: JobHealth, count: Int)] {
        try await db.raw("SELECT state, health, COUNT(*) AS n FROM jobs \(filter) GROUP BY state, health").all().compactMap { row in
            guard let state = JobState(rawValue: try row.decode(column: "state", as: Int.self)),
                  let health = JobHealth(rawValue: try row.decode(column: "health", as: Int.self))
            else { return nil }
            return (state, health, try row.decode(column: "n", as: Int.self))
        }
    }

    private static func decode(_ row: any SQLRow) throws -> JobRecord {
        JobRecord(
            id: try row.decode(column: "id", as: Int.self),
            submitter: try row.decode(column: "submitter", as: String.self),
            description: try row.decode(column: "description", as: String.self),
            definition: try row.decode(column: "definition", as: String.self),
            deviceType: try row.decode(column: "device_type", as: String.self),
            requestedWorker: try row.decode(column: "requested_worker", as: String?.self),
            requestedDevice: try row.decode(column: "requested_device", as: String?.self),
            priority: try row.decode(column: "priority", as: Int.self),
            state: JobState(rawValue: try row.decode(column: "state", as: Int.self)) ?? .finished,
            health: JobHealth(rawValue: try row.decode(column: "health", as: Int.self)) ?? .unknown,
            token: try row.decode(column: "token", as: String.self),
            device: try row.decode(column: "device", as: String?.self),
            worker: try row.decode(column: "worker", as: String?.self),
            submitTime: try row.decode(column: "submit_time", as: Double.self),
            scheduledTime: try row.decode(column: "scheduled_time", as: Double?.self),
            startTime: try row.decode(column: "start_time", as: Double?.self),
            endTime: try row.decode(column: "end_time", as: Double?.self),
            jobTimeout: try row.decode(column: "job_timeout", as: Double.self),
            queueTimeout: try row.decode(column: "queue_timeout", as: Double?.self),
            errorType: try row.decode(column: "error_type", as: String.self),
            failureComment: try row.decode(column: "failure_comment", as: String.self),
            visibility: JobVisibilityKind(rawValue: try row.decode(column: "visibility", as: String.self)) ?? .personal,
            logStore: LogStoreKind(rawValue: try row.decode(column: "log_store", as: Int.self)) ?? .files
        )
    }
}
