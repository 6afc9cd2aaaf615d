import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit

/// PostgreSQL through a connection pool; several server instances and schedulers share it.
///
/// AsyncKit's pool, not PostgresNIO's `PostgresClient` that PostgresKit's docs recommend: with
/// postgres-nio 1.33.2 every `PostgresClient` lease keeps about 1.5 KB that is never freed
/// (measured: RSS grows linearly, 20,000 empty leases ≈ 29 MB), which a server answering
/// thousands of pings a second cannot afford. AsyncKit's pool stays flat.
/// `@unchecked`: AsyncKit's pool is thread-safe but predates `Sendable` annotations.
final class PostgresDatabaseBackend: Database, @unchecked Sendable {
    let flavour = SQLFlavour.postgres
    private let pool: EventLoopGroupConnectionPool<PostgresConnectionSource>
    private let logger = Logger(label: "lava-server.postgres")

    init(url: String) async throws {
        let configuration: SQLPostgresConfiguration
        do {
            configuration = try SQLPostgresConfiguration(url: url)
        } catch {
            throw ServerSetupError("invalid PostgreSQL URL: \(error); expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
        }
        pool = EventLoopGroupConnectionPool(
            source: PostgresConnectionSource(sqlConfiguration: configuration),
            maxConnectionsPerEventLoop: 8,
            on: MultiThreadedEventLoopGroup.singleton
        )
        do {
            try await read { try await $0.raw("SELECT 1").run() }
        } catch {
            try? await pool.shutdownAsync()
            throw ServerSetupError("cannot reach PostgreSQL at \(DatabaseLocation.postgres(url: url)): \(String(reflecting: error))")
        }
    }

    private func withConnection<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let connection = try await pool.requestConnection(logger: logger).get()
        defer { pool.releaseConnection(connection, logger: logger) }
        return try await body(connection.sql(queryLogLevel: nil))
    }

    func read<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await withConnection(body)
    }

    func write<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await withConnection { session in
            try await inTransaction(session, begin: "BEGIN", body)
        }
    }

    func close() async {
        try? await pool.shutdownAsync()
    }
}
