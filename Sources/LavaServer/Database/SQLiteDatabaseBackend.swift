import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit

/// SQLite in WAL mode: one writer connection whose transactions this process serialises, and a few
/// reader connections that run beside it. `BEGIN IMMEDIATE` plus a busy timeout keeps a second
/// process (a separate scheduler) safe on the same file.
final class SQLiteDatabaseBackend: Database {
    let flavour = SQLFlavour.sqlite
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let writeLock = AsyncLock()
    private let nextReader = RoundRobin()
    private let threadPool: NIOThreadPool

    private static let readerCount = 4

    init(path: String) async throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ServerSetupError("cannot create the database directory \(directory.path): \(error.localizedDescription)")
        }
        // More threads than connections: a connection waiting on SQLite's busy timeout holds a thread,
        // and the connection holding the lock must still find one.
        let pool = NIOThreadPool(numberOfThreads: Self.readerCount + 3)
        pool.start()
        threadPool = pool
        let logger = Logger(label: "lava-server.sqlite")
        let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
        func open() async throws -> SQLiteConnection {
            let connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: pool, logger: logger, on: eventLoop).get()
            let session = connection.sql(queryLogLevel: nil)
            try await session.raw("PRAGMA busy_timeout = 10000").run()
            try await session.raw("PRAGMA foreign_keys = ON").run()
            return connection
        }
        do {
            writer = try await open()
            let session = writer.sql(queryLogLevel: nil)
            try await session.raw("PRAGMA journal_mode = WAL").run()
            // NORMAL is durable across process crashes in WAL mode; only an OS crash may lose the last commits.
            try await session.raw("PRAGMA synchronous = NORMAL").run()
            var opened: [SQLiteConnection] = []
            for _ in 0..<Self.readerCount {
                opened.append(try await open())
            }
            readers = opened
        } catch {
            try? await pool.shutdownGracefully()
            throw ServerSetupError("cannot open SQLite database \(path): \(error)")
        }
    }

    func read<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let connection = readers[nextReader.next() % readers.count]
        return try await body(connection.sql(queryLogLevel: nil))
    }

    func write<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await writeLock.withLock {
            try await inTransaction(self.writer.sql(queryLogLevel: nil), begin: "BEGIN IMMEDIATE", body)
        }
    }

    func close() async {
        for connection in readers + [writer] {
            try? await connection.close().get()
        }
        try? await threadPool.shutdownGracefully()
    }
}
