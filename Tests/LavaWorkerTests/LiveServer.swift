import Foundation
import Hummingbird
import LavaClient
import ServiceLifecycle
import LavaCore
@testable import LavaServer
import Curl
import LavaWorker
import LavaTestSupport
import Logging

/// A real lava-server on loopback over a fresh SQLite file, for the worker side to talk to.
struct LiveServer: Sendable {
    let server: Server
    let port: Int
    let directory: URL

    var url: String { "http://127.0.0.1:\(port)/" }
    var inventory: Inventory { Inventory(database: server.database) }

    /// Runs `body` with a server at `version` on a fresh data directory, removed afterwards.
    static func run<R: Sendable>(version: String = "2026.11", _ body: @Sendable (LiveServer) async throws -> R) async throws -> R {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lava-worker-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await run(version: version, directory: directory, port: 0, body)
    }

    /// Runs `body` with a server on `directory` (its SQLite file and logs) and `port` (0: any);
    /// running it again on the same directory and port is a server restart.
    /// - Parameter scheduling: run the server's scheduler service, as `lava-server serve` does;
    ///   without it, tests run scheduler passes themselves (`schedule()`).
    static func run<R: Sendable>(
        version: String = "2026.11", directory: URL, port: Int, scheduling: Bool = false, configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (LiveServer) async throws -> R
    ) async throws -> R {
        var configuration = ServerConfiguration(dataDirectory: directory, configDirectory: directory.appendingPathComponent("etc"), version: version)
        // Only the lab's templates, whatever this machine has installed.
        configuration.deviceTypeDirectories = [directory.appendingPathComponent("etc/device-types")]
        configuration.webDirectory = PackageFiles.url("server")
        configure(&configuration)
        let database = try await configuration.database.open()
        var logger = Logger(label: "lava-server-test")
        logger.logLevel = .critical
        let server = try Server(configuration: configuration, database: database, logger: logger)
        let scheduler = scheduling ? SchedulerService(server: server) : nil
        // Run by hand rather than through HummingbirdTesting's live mode, which always binds a
        // new port: a restart must come back on the same one.
        let (ports, portFound) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: try await ServerApplication.router(server: server, scheduler: scheduler),
            server: ServerApplication.httpServer(.defaults, server: server),
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in portFound.yield(channel.localAddress?.port ?? port) },
            logger: logger
        )
        let services = ServiceGroup(configuration: .init(services: [app] + (scheduler.map { [$0] } ?? []), logger: logger))
        do {
            let result = try await withThrowingTaskGroup(of: R?.self) { group in
                group.addTask {
                    defer { portFound.finish() }
                    try await services.run()
                    return nil
                }
                var iterator = ports.makeAsyncIterator()
                guard let bound = await iterator.next() else {
                    throw WorkerAPIError(status: 0, message: "the test server did not start on port \(port)", transport: true)
                }
                do {
                    let result = try await body(LiveServer(server: server, port: bound, directory: directory))
                    await services.triggerGracefulShutdown()
                    return result
                } catch {
                    await services.triggerGracefulShutdown()
                    throw error
                }
            }
            await database.close()
            return result
        } catch {
            await database.close()
            throw error
        }
    }

    /// The stored log of a job, line by line.
    func storedLog(_ id: Int) async throws -> [String] {
        let session = try CurlSession(configuration: CurlConfiguration(userAgent: "test"))
        let response = try await session.perform(CurlRequest(.get, url + "api/v0.2/jobs/\(id)/logs/"))
        return response.status == 200 ? response.text.split(separator: "\n").map(String.init) : []
    }

    /// A scheduled job of a new user on a new worker: its id and job token.
    func scheduledJob(_ definition: String) async throws -> (id: Int, token: String) {
        let user = try await inventory.addUser("alice", isAdmin: false)
        _ = try await inventory.addWorker("lab-1")
        try await inventory.addDeviceType("docker")
        try await inventory.addDevice(name: "docker-01", type: "docker", worker: "lab-1")
        let id = try await submit(definition, userToken: user)
        // Handed to the device as the scheduler would, without a worker online to ping: a job
        // token is live only while its job is on a worker.
        let token = try await server.database.write { db in
            _ = try await JobStore.assign(db, id: id, device: "docker-01", worker: "lab-1", now: Date().timeIntervalSince1970)
            return try await JobStore.find(db, id: id)?.token
        }
        return (id, token ?? "")
    }

    /// Submits a job through the REST API, over libcurl like any tool would.
    func submit(_ definition: String, userToken: String) async throws -> Int {
        let session = try CurlSession(configuration: CurlConfiguration(userAgent: "test"))
        let body = try JSONEncoder().encode(["definition": definition])
        let response = try await session.perform(CurlRequest(.post, url + "api/v0.2/jobs/", headers: [
            ("Authorization", "Token \(userToken)"), ("Content-Type", "application/json"),
        ], body: Array(body)))
        struct Submitted: Decodable { var job_ids: [Int] }
        guard response.status == 201, let id = try JSONDecoder().decode(Submitted.self, from: response.body).job_ids.first else {
            throw WorkerAPIError(status: response.status, message: "submission refused: \(response.text)", transport: false)
        }
        return id
    }

    /// One scheduler pass.
    func schedule() async throws {
        _ = try await SchedulerPass(server: server).run()
    }
}
