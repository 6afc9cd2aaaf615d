import SQLKit

/// The SQL flavour behind a `Database`, for the few statements that differ (DDL, locks).
public enum SQLFlavour: Sendable {
    case sqlite
    case postgres
}

/// Rows of the server, on SQLite or PostgreSQL behind one interface. Reads may run concurrently;
/// `write` runs its body in one transaction, retried by nobody: callers keep bodies idempotent
/// or let the error reach the client.
public protocol Database: Sendable {
    var flavour: SQLFlavour { get }

    func read<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R
    func write<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R
    func close() async
}

extension DatabaseLocation {
    /// Opens the database here and brings its schema up to date.
    public func open() async throws -> any Database {
        let database: any Database
        switch self {
        case .sqlite(let path): database = try await SQLiteDatabaseBackend(path: path)
        case .postgres(let url): database = try await PostgresDatabaseBackend(url: url)
        }
        do {
            try await Schema.migrate(database)
        } catch {
            await database.close()
            throw error
        }
        return database
    }
}

/// Runs `body` between BEGIN and COMMIT on one session, rolling back when it throws.
func inTransaction<R: Sendable>(
    _ session: any SQLDatabase,
    begin: String,
    _ body: @escaping @Sendable (any SQLDatabase) async throws -> R
) async throws -> R {
    try await session.raw(SQLQueryString(begin)).run()
    do {
        let result = try await body(session)
        try await session.raw("COMMIT").run()
        return result
    } catch {
        try? await session.raw("ROLLBACK").run()
        throw error
    }
}
