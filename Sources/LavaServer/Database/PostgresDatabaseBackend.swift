import Foundation
import Logging
import PostgresKit
import PostgresNIO
import SQLKit

/// PostgreSQL through PostgresNIO's connection pool (`PostgresClient`, the pool PostgresKit
/// recommends); several server instances and schedulers share the database.
final class PostgresDatabaseBackend: Database {
    let flavour = SQLFlavour.postgres
    private let client: PostgresClient
    /// Runs the pool for the life of this object; `close()` ends it. Unstructured because the
    /// database outlives any one caller's scope (the server, an admin command).
    private let runner: Task<Void, Never>

    init(url: String) async throws {
        let configuration = try Self.configuration(url: url)
        client = PostgresClient(configuration: configuration, backgroundLogger: Logger(label: "lava-server.postgres"))
        let client = client
        runner = Task { await client.run() }
        do {
            try await read { try await $0.raw("SELECT 1").run() }
        } catch {
            runner.cancel()
            throw ServerSetupError("cannot reach PostgreSQL at \(DatabaseLocation.postgres(url: url)): \(String(reflecting: error))")
        }
    }

    /// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`.
    static func configuration(url: String) throws(ServerSetupError) -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty,
              let user = components.user, !user.isEmpty
        else {
            throw ServerSetupError("invalid PostgreSQL URL '\(DatabaseLocation.postgres(url: url))': expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
        }
        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require": tls = .require(.makeClientConfiguration())
        default: throw ServerSetupError("sslmode '\(sslMode)' is not supported: use disable, prefer or require")
        }
        let database = components.path.drop { $0 == "/" }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database.isEmpty ? nil : String(database), tls: tls
        )
        configuration.options.maximumConnections = 16
        return configuration
    }

    func read<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await client.withConnection { connection in
            try await body(connection.sql(queryLogLevel: nil))
        }
    }

    func write<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await client.withConnection { connection in
            try await inTransaction(connection.sql(queryLogLevel: nil), begin: "BEGIN", body)
        }
    }

    func close() async {
        runner.cancel()
        await runner.value
    }
}
