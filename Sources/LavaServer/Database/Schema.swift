import SQLKit

/// The tables, created and migrated in order on every start. Each step runs once; the applied
/// steps are recorded in `schema_migrations`. The same statements serve SQLite and PostgreSQL
/// except for auto-increment keys and row locks.
enum Schema {
    /// Append new steps at the end; never edit an applied one.
    static func steps(_ flavour: SQLFlavour) -> [[String]] {
        let serial = flavour == .postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"
        let bytes = flavour == .postgres ? "BYTEA" : "BLOB"
        return [
            [
                """
                CREATE TABLE users (
                    name TEXT PRIMARY KEY,
                    is_admin INTEGER NOT NULL DEFAULT 0,
                    token_hash TEXT NOT NULL UNIQUE,
                    created DOUBLE PRECISION NOT NULL
                )
                """,
                """
                CREATE TABLE workers (
                    name TEXT PRIMARY KEY,
                    token_hash TEXT NOT NULL,
                    description TEXT NOT NULL DEFAULT '',
                    state INTEGER NOT NULL,
                    health INTEGER NOT NULL,
                    version TEXT,
                    last_ping DOUBLE PRECISION,
                    last_contact DOUBLE PRECISION,
                    job_limit INTEGER NOT NULL DEFAULT 0
                )
                """,
                "CREATE TABLE device_types (name TEXT PRIMARY KEY)",
                """
                CREATE TABLE devices (
                    name TEXT PRIMARY KEY,
                    device_type TEXT NOT NULL REFERENCES device_types(name),
                    worker TEXT NOT NULL REFERENCES workers(name),
                    state INTEGER NOT NULL,
                    health INTEGER NOT NULL,
                    dictionary TEXT NOT NULL DEFAULT ''
                )
                """,
                """
                CREATE TABLE jobs (
                    id \(serial),
                    submitter TEXT NOT NULL,
                    description TEXT NOT NULL,
                    definition TEXT NOT NULL,
                    device_type TEXT NOT NULL REFERENCES device_types(name),
                    requested_worker TEXT,
                    requested_device TEXT,
                    priority INTEGER NOT NULL,
                    state INTEGER NOT NULL,
                    health INTEGER NOT NULL,
                    token TEXT NOT NULL,
                    device TEXT REFERENCES devices(name),
                    worker TEXT REFERENCES workers(name),
                    submit_time DOUBLE PRECISION NOT NULL,
                    scheduled_time DOUBLE PRECISION,
                    start_time DOUBLE PRECISION,
                    end_time DOUBLE PRECISION,
                    job_timeout DOUBLE PRECISION NOT NULL,
                    queue_timeout DOUBLE PRECISION,
                    error_type TEXT NOT NULL DEFAULT '',
                    failure_comment TEXT NOT NULL DEFAULT ''
                )
                """,
                // The ping asks for one worker's live jobs; the scheduler for the queue in order.
                "CREATE INDEX jobs_worker_state ON jobs (worker, state)",
                "CREATE INDEX jobs_queue ON jobs (state, device_type, priority, submit_time, id)",
                """
                CREATE TABLE test_cases (
                    id \(serial),
                    job_id BIGINT NOT NULL REFERENCES jobs(id),
                    log_line BIGINT NOT NULL,
                    suite TEXT NOT NULL,
                    name TEXT NOT NULL,
                    result TEXT NOT NULL,
                    measurement DOUBLE PRECISION,
                    units TEXT,
                    test_set TEXT,
                    start_log_line BIGINT,
                    end_log_line BIGINT,
                    metadata TEXT NOT NULL DEFAULT '',
                    UNIQUE (job_id, log_line)
                )
                """,
                "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            ],
            // Who may see a job (LAVA's is_public and viewing_groups): 'public', 'personal' or
            // 'group'. Jobs from before get '' and are read from their definitions right after
            // (VisibilityBackfill); until then '' reads as personal.
            [
                "ALTER TABLE jobs ADD COLUMN visibility TEXT NOT NULL DEFAULT ''",
                "CREATE TABLE user_groups (name TEXT PRIMARY KEY)",
                """
                CREATE TABLE user_group_members (
                    group_name TEXT NOT NULL REFERENCES user_groups(name),
                    user_name TEXT NOT NULL REFERENCES users(name),
                    PRIMARY KEY (group_name, user_name)
                )
                """,
                """
                CREATE TABLE job_viewing_groups (
                    job_id BIGINT NOT NULL REFERENCES jobs(id),
                    group_name TEXT NOT NULL REFERENCES user_groups(name),
                    PRIMARY KEY (job_id, group_name)
                )
                """,
            ],
            // Signed-in visitors of the web pages: the cookie's hash (never the cookie), whose it
            // is, the token every form of the session must send back, and when it ends. In the
            // database, so that every instance behind the load balancer knows the session.
            [
                """
                CREATE TABLE web_sessions (
                    token_hash TEXT PRIMARY KEY,
                    user_name TEXT NOT NULL REFERENCES users(name),
                    csrf_token TEXT NOT NULL,
                    expires DOUBLE PRECISION NOT NULL
                )
                """,
                "CREATE INDEX web_sessions_expires ON web_sessions (expires)",
                // The summary's count of jobs by state and health, and the job list's filters.
                "CREATE INDEX jobs_state_health ON jobs (state, health)",
                "CREATE INDEX jobs_submitter ON jobs (submitter, id)",
                "CREATE INDEX jobs_device_type ON jobs (device_type, id)",
                "CREATE INDEX jobs_device ON jobs (device, id)",
                "CREATE INDEX jobs_worker ON jobs (worker, id)",
            ],
            // Job logs in the database (`--log-store database`): a batch a row, its lines as they
            // are in output.yaml and the offset of each in it; files beside the log by their name.
            // `jobs.log_store` says where each job's log is: 0 files, 1 the database;
            // `log_moved_from` the store `lava-server logs migrate` is still copying it from.
            // Files are bytes: text the database's TEXT refuses (a NUL) is kept as sent.
            [
                """
                CREATE TABLE job_log_batches (
                    job_id BIGINT NOT NULL REFERENCES jobs(id),
                    first_line BIGINT NOT NULL,
                    line_count INTEGER NOT NULL,
                    offsets \(bytes) NOT NULL,
                    lines \(bytes) NOT NULL,
                    PRIMARY KEY (job_id, first_line)
                )
                """,
                """
                CREATE TABLE job_files (
                    job_id BIGINT NOT NULL REFERENCES jobs(id),
                    name TEXT NOT NULL,
                    content \(bytes) NOT NULL,
                    PRIMARY KEY (job_id, name)
                )
                """,
                "ALTER TABLE jobs ADD COLUMN log_store INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE jobs ADD COLUMN log_moved_from INTEGER",
            ],
        ]
    }

    static func migrate(_ database: any Database) async throws {
        let steps = steps(database.flavour)
        let flavour = database.flavour
        try await database.write { db in
            if flavour == .postgres {
                // Instances starting together must not both create the tables.
                try await db.raw("SELECT pg_advisory_xact_lock(\(literal: SchedulerLock.migrationKey))").run()
            }
            try await db.raw("CREATE TABLE IF NOT EXISTS schema_migrations (step INTEGER PRIMARY KEY)").run()
            let applied = try await db.raw("SELECT step FROM schema_migrations").all()
                .map { try $0.decode(column: "step", as: Int.self) }
            for (index, statements) in steps.enumerated() where !applied.contains(index) {
                for statement in statements {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                if index == VisibilityBackfill.step {
                    try await VisibilityBackfill.run(db)
                }
                try await db.raw("INSERT INTO schema_migrations (step) VALUES (\(bind: index))").run()
            }
        }
    }
}

/// Keys of PostgreSQL advisory locks that serialise schema migration and scheduling passes
/// across server and scheduler processes.
enum SchedulerLock {
    static let migrationKey = 0x4C41_5641_0001
    static let schedulingKey = 0x4C41_5641_0002
}
