import Curl
import DockerEngine
import Foundation
import LavaClient
import LavaCore
@testable import LavaServer
import LavaTestSupport
import LavaWorker

/// The pieces of an end-to-end test: a real server (restartable on its directory and port) with
/// a docker device `docker-01` on worker `lab-1`, the real lava-worker and lava-run, the real
/// Docker engine.
struct DockerLab: Sendable {
    let directory: URL
    let port: Int
    let admin: String
    let workerToken: String
    /// The worker's dispatcher `prefix`, which starts its DUT containers' names.
    let prefix: String

    /// A lab on a new directory, its server running for `body`.
    static func run<R: Sendable>(scheduling: Bool = false, _ body: @Sendable (DockerLab, LiveServer) async throws -> R) async throws -> R {
        try await prepare { lab in try await lab.serve(scheduling: scheduling) { live in try await body(lab, live) } }
    }

    /// A lab on a new directory; `body` starts (and restarts) its server with `serve`.
    static func prepare<R: Sendable>(_ body: @Sendable (DockerLab) async throws -> R) async throws -> R {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lava-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try FreePort.next()
        let lab = try await LiveServer.run(directory: directory, port: port) { live in
            let admin = try await live.inventory.addUser("admin", isAdmin: true)
            let workerToken = try await live.inventory.addWorker("lab-1")
            try await live.inventory.addDeviceType("docker")
            _ = try await live.inventory.addDevice(name: "docker-01", type: "docker", worker: "lab-1")
            // The device-type templates admins copy from server/etc.
            try FileManager.default.createDirectory(at: directory.appendingPathComponent("etc"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: PackageFiles.url("server/etc/device-types"),
                                             to: directory.appendingPathComponent("etc/device-types"))
            let prefix = "e2e\(UUID().uuidString.prefix(6).lowercased())"
            let dispatcher = directory.appendingPathComponent("etc/dispatcher.d/lab-1")
            try FileManager.default.createDirectory(at: dispatcher, withIntermediateDirectories: true)
            try "prefix: \(prefix)\ndispatcher_ip: 127.0.0.1\n".write(to: dispatcher.appendingPathComponent("dispatcher.yaml"),
                                                                     atomically: true, encoding: .utf8)
            return DockerLab(directory: directory, port: port, admin: admin, workerToken: workerToken, prefix: prefix)
        }
        return try await body(lab)
    }

    /// The lab's server on its database, logs and port; serving again is a restart.
    func serve<R: Sendable>(version: String = "2026.11", scheduling: Bool = false, _ body: @Sendable (LiveServer) async throws -> R) async throws -> R {
        try await LiveServer.run(version: version, directory: directory, port: port, scheduling: scheduling, body)
    }

    var url: String { "http://127.0.0.1:\(port)/" }

    /// The DUT container of a job booted by its second action (LAVA's `lava-<prefix>-<id>-<level>`).
    func container(_ id: Int) -> String { "lava-\(prefix)-\(id)-2" }

    func worker(_ name: String = "worker", executable: URL? = nil, arguments: [String] = [], environment: [String: String] = [:]) throws -> WorkerProcess {
        try WorkerProcess(executable: executable, url: url, token: workerToken, directory: directory.appendingPathComponent(name),
                          arguments: arguments, environment: environment)
    }

    /// Submits `definition` as the admin; `wait` schedules it.
    func submit(_ definition: String, to live: LiveServer) async throws -> Int {
        try await live.submit(definition, userToken: admin)
    }

    func job(_ id: Int, on live: LiveServer) async throws -> JobRecord {
        guard let job = try await live.server.database.read({ try await JobStore.find($0, id: id) }) else {
            throw TestFailure("job \(id) does not exist")
        }
        return job
    }

    /// Waits (at most `seconds`) until `condition` holds for the job, and returns it. Runs a
    /// scheduler pass on each look, as the server's scheduler would.
    @discardableResult
    func wait(for id: Int, on live: LiveServer, within seconds: Int = 60, worker: WorkerProcess? = nil,
              until condition: @Sendable (JobRecord) -> Bool) async throws -> JobRecord {
        for _ in 0..<(seconds * 5) {
            try await live.schedule()
            let job = try await job(id, on: live)
            if condition(job) { return job }
            try await Task.sleep(for: .milliseconds(200))
        }
        let job = try await job(id, on: live)
        throw TestFailure("job \(id) is still \(job.state)/\(job.health) after \(seconds) s; worker log:\n\(worker?.log ?? "")")
    }

    /// Why a job ended as it did, for a failed expectation: its error type and failure comment,
    /// and the last lines of its stored log.
    func diagnosis(_ job: JobRecord, on live: LiveServer) async -> String {
        let log = (try? await live.storedLog(job.id)) ?? []
        return "\(job.state)/\(job.health) \(job.errorType): \(job.failureComment)\nlast log lines:\n" + log.suffix(30).joined(separator: "\n")
    }

    /// Waits until the job's stored log has a line containing `text`.
    func wait(for id: Int, on live: LiveServer, logContaining text: String, within seconds: Int = 60) async throws {
        for _ in 0..<(seconds * 5) {
            try await live.schedule()
            if try await live.storedLog(id).contains(where: { $0.contains(text) }) { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestFailure("job \(id)'s log has no line with '\(text)' after \(seconds) s")
    }

    /// The job's test cases through the REST API: suite, name, result, measurement, unit.
    func testCases(_ id: Int) async throws -> [TestCase] {
        let session = try CurlSession(configuration: CurlConfiguration(userAgent: "test"))
        let response = try await session.perform(CurlRequest(.get, url + "api/v0.2/jobs/\(id)/tests/?limit=1000",
                                                             headers: [("Authorization", "Token \(admin)")]))
        struct Page: Decodable { var results: [TestCase] }
        return try JSONDecoder().decode(Page.self, from: response.body).results
    }

    /// Cancels the job through the REST API, as a user would.
    func cancel(_ id: Int) async throws {
        let session = try CurlSession(configuration: CurlConfiguration(userAgent: "test"))
        let response = try await session.perform(CurlRequest(.get, url + "api/v0.2/jobs/\(id)/cancel/",
                                                             headers: [("Authorization", "Token \(admin)")]))
        guard response.status == 200 else { throw TestFailure("cancel refused: \(response.status) \(response.text)") }
    }

    struct TestCase: Decodable, Sendable {
        var suite: String
        var name: String
        var result: String
        var measurement: Double?
        /// LAVA's REST name for the units.
        var unit: String?
    }

    static func docker() throws -> DockerClient {
        try DockerClient(socketPath: TestDocker.socketPath())
    }
}
