import ArgumentParser
import Foundation
import LavaCore
import LavaServer
import Logging

/// Where the server's state lives; every subcommand takes these.
struct StorageOptions: ParsableArguments {
    @Option(help: "Data directory: the default SQLite file and the job logs. Default: $LAVA_SERVER_DATA_DIR, else /var/lib/lava-server for root, else ~/.local/share/lava-server.")
    var dataDir: String?

    @Option(help: "sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE. Default: $LAVA_SERVER_DATABASE, else sqlite:<data-dir>/lava.sqlite3.")
    var database: String?

    @Option(help: "LAVA's configuration directory: dispatcher.d/<worker>/…, env.yaml, env-dut.yaml.")
    var configDir: String = "/etc/lava-server"

    @Option(name: .customLong("device-types-dir"), help: ArgumentHelp(
        "Where device-type templates (<type>.jinja2) are looked up; repeat it for several, searched in order.",
        discussion: "Default: <config-dir>/dispatcher-config/device-types, /usr/share/lava-server/device-types (LAVA's, when installed), <config-dir>/device-types (ours, from server/etc)."))
    var deviceTypesDirs: [String] = []

    @Option(help: ArgumentHelp(
        "Where the logs of new jobs are kept: files or database.",
        discussion: "files: LAVA's output.yaml under the data directory (every instance must share it); database: the server's database, read by every instance. Default: database on PostgreSQL, unless the data directory is on a network filesystem, as instances sharing logs before had it (by /proc/self/mountinfo: nfs, nfs4, cifs, smb3, smbfs, ceph, glusterfs, afs, ocfs2, gfs2, lustre, gpfs, beegfs, and FUSE's glusterfs, sshfs, s3fs, rclone, ceph-fuse, juicefs, gcsfuse); files on SQLite. Each job keeps its log where it started; `lava-server logs migrate` moves them."))
    var logStore: String?

    var dataDirectory: URL {
        if let dataDir { return URL(fileURLWithPath: dataDir) }
        if let fromEnvironment = ProcessInfo.processInfo.environment["LAVA_SERVER_DATA_DIR"], !fromEnvironment.isEmpty {
            return URL(fileURLWithPath: fromEnvironment)
        }
        if getuid() == 0 { return URL(fileURLWithPath: "/var/lib/lava-server") }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share/lava-server")
    }

    /// The environment variable keeps a PostgreSQL password out of the command line, which every
    /// user of the host (and `docker inspect`) can read.
    var databaseURL: String? {
        if let database { return database }
        if let fromEnvironment = ProcessInfo.processInfo.environment["LAVA_SERVER_DATABASE"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return nil
    }

    func configuration() throws -> ServerConfiguration {
        let location = try databaseURL.map { text throws(ServerSetupError) in try DatabaseLocation(parsing: text) }
        var configuration = ServerConfiguration(
            dataDirectory: dataDirectory,
            database: location,
            configDirectory: URL(fileURLWithPath: configDir),
            version: LavaVersion.current
        )
        if let logStore {
            guard let kind = LogStoreKind(name: logStore) else {
                throw ValidationError("--log-store must be files or database, not '\(logStore)'")
            }
            configuration.logStore = kind
        }
        if !deviceTypesDirs.isEmpty {
            configuration.deviceTypeDirectories = deviceTypesDirs.map { URL(fileURLWithPath: $0, isDirectory: true) }
        }
        return configuration
    }

    func deviceTemplates() throws -> DeviceTemplates {
        DeviceTemplates(directories: try configuration().deviceTypeDirectories)
    }

    /// Opens (and migrates) the database for the duration of an admin command's `body`; its
    /// changes are announced to the servers' listeners where the database can carry that.
    @discardableResult
    func withDatabase<R>(_ body: (any Database) async throws -> R) async throws -> R {
        try await withOpened({ try await configuration().database.openForCommand(logger: Logger(label: "lava-server")) }, body)
    }

    /// The server of `serve` or `scheduler` on the database, for the duration of `body`.
    func withServer<R>(_ configuration: ServerConfiguration, logger: Logger, _ body: (Server) async throws -> R) async throws -> R {
        try await withOpened({ try await configuration.database.open() }) { database in
            try await body(try Server(configuration: configuration, database: database, logger: logger))
        }
    }

    private func withOpened<R>(_ open: () async throws -> any Database, _ body: (any Database) async throws -> R) async throws -> R {
        let database: any Database
        do {
            database = try await open()
        } catch let error as ServerSetupError {
            throw ValidationError(error.description)
        }
        do {
            let result = try await body(database)
            await database.close()
            return result
        } catch {
            await database.close()
            throw error
        }
    }
}
