import Foundation
import Hummingbird
import HummingbirdTesting
import LavaCore
@testable import LavaServer
import Curl
import LavaWorker
import Logging

/// A real lava-server on loopback over a fresh SQLite file, for the worker side to talk to.
struct LiveServer: Sendable {
    let server: Server
    let port: Int
    let directory: URL

    var url: String { "http://127.0.0.1:\(port)/" }
    var inventory: Inventory { Inventory(database: server.database) }

    /// Runs `body` with a server at `version`, removed afterwards.
    static func run<R: Sendable>(version: String = "2026.11", _ body: @Sendable (LiveServer) async throws -> R) async throws -> R {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lava-worker-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = ServerConfiguration(dataDirectory: directory, configDirectory: directory.appendingPathComponent("etc"), version: version)
        let database = try await configuration.database.open()
        var logger = Logger(label: "lava-server-test")
        logger.logLevel = .warning
        let server = Server(configuration: configuration, database: database, logger: logger)
        let app = Application(
            router: ServerApplication.router(server: server, scheduler: nil),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: logger
        )
        do {
            let result = try await app.test(.live) { client in
                try await body(LiveServer(server: server, port: client.port ?? 0, directory: directory))
            }
            await database.close()
            return result
        } catch {
            await database.close()
            throw error
        }
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
