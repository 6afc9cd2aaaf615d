import Foundation
import LavaServer
import LavaTestSupport
import SQLKit
import Synchronization

/// server/'s production layout on loopback, as processes: a fresh PostgreSQL database; two
/// `lava-server serve --no-scheduler`, each with a data directory of its own (the logs are in the
/// database, so the instances share nothing else) and one configuration directory; one
/// `lava-server scheduler`; haproxy running the committed server/haproxy/haproxy.cfg, over
/// HTTP and over HTTPS with a certificate of a test CA. A docker device `docker-01` on worker
/// `lab-1`, set up with lava-server's admin commands and server/etc's device type.
final class ScaledOutLab: Sendable {
    let directory: URL
    let serverPorts: [Int]
    let balancerPort: Int
    let tlsPort: Int
    let statsPort: Int
    let certificate: TestCertificate
    let admin: String
    let workerToken: String
    /// The database and configuration options every lava-server command gets; each process
    /// adds a data directory of its own (`dataDirectory`).
    private let storage: [String]
    private let processes = Mutex<[String: ChildProcess]>([:])

    /// Plain HTTP through haproxy, for the test's REST calls.
    var url: String { "http://127.0.0.1:\(balancerPort)/" }
    /// HTTPS through haproxy, for the worker.
    var tlsURL: String { "https://127.0.0.1:\(tlsPort)/" }

    /// Starts everything on a new database and directory, runs `body`, and kills and removes
    /// all of it whatever happens.
    static func run<R: Sendable>(_ body: @Sendable (ScaledOutLab) async throws -> R) async throws -> R {
        guard let base = ProcessInfo.processInfo.environment["LAVA_TEST_POSTGRES_URL"], var url = URLComponents(string: base) else {
            throw TestFailure("LAVA_TEST_POSTGRES_URL is not set: run the tests through scripts/test.sh, which starts PostgreSQL")
        }
        let name = "lava_e2e_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        url.path = "/" + name
        let admin = try await DatabaseLocation.postgres(url: base).open()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lava-scaled-out-\(UUID().uuidString)")
        let result: Result<R, any Error>
        do {
            try await admin.read { try await $0.raw("CREATE DATABASE \(unsafeRaw: String(name))").run() }
            let lab = try await ScaledOutLab(directory: directory, database: url.string ?? base)
            defer { lab.stop() }
            try await lab.start()
            result = .success(try await body(lab))
        } catch {
            result = .failure(error)
        }
        try? await admin.read { try await $0.raw("DROP DATABASE IF EXISTS \(unsafeRaw: String(name)) WITH (FORCE)").run() }
        await admin.close()
        try? FileManager.default.removeItem(at: directory)
        return try result.get()
    }

    /// Configuration files and the inventory, before any server runs.
    private init(directory: URL, database: String) async throws {
        self.directory = directory
        serverPorts = [try FreePort.next(), try FreePort.next()]
        balancerPort = try FreePort.next()
        tlsPort = try FreePort.next()
        statsPort = try FreePort.next()
        let certificates = directory.appendingPathComponent("tls")
        try FileManager.default.createDirectory(at: certificates, withIntermediateDirectories: true)
        certificate = try TestCertificate.make(in: certificates)

        let config = directory.appendingPathComponent("etc")
        try FileManager.default.copyItem(at: PackageFiles.url("server/etc"), to: config)
        let prefix = "e2e\(UUID().uuidString.prefix(6).lowercased())"
        let dispatcher = config.appendingPathComponent("dispatcher.d/lab-1")
        try FileManager.default.createDirectory(at: dispatcher, withIntermediateDirectories: true)
        try "prefix: \(prefix)\ndispatcher_ip: 127.0.0.1\n".write(to: dispatcher.appendingPathComponent("dispatcher.yaml"),
                                                                 atomically: true, encoding: .utf8)

        let storage = ["--database", database, "--config-dir", config.path]
        func command(_ arguments: [String]) async throws -> String {
            let (status, output, error) = try await BuiltProgram.run(BuiltProgram.path("lava-server"), arguments + storage + Self.dataDirectory(in: directory, for: "admin"))
            guard status == 0 else { throw TestFailure("lava-server \(arguments.joined(separator: " ")) failed (\(status)): \(error)") }
            return output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        admin = try await command(["users", "add", "admin", "--admin"])
        let added = try await command(["workers", "add", "lab-1", "--url", "https://127.0.0.1:\(tlsPort)/"])
        guard let line = added.split(separator: "\n").first(where: { $0.hasPrefix("token: ") }) else {
            throw TestFailure("`workers add` printed no token: \(added)")
        }
        workerToken = String(line.dropFirst("token: ".count))
        _ = try await command(["device-types", "add", "docker"])
        _ = try await command(["devices", "add", "docker-01", "--type", "docker", "--worker", "lab-1"])
        self.storage = storage
    }

    /// The servers, the scheduler and haproxy, until haproxy sees both servers up.
    private func start() async throws {
        for index in serverPorts.indices {
            try startServer(index)
        }
        try launch("scheduler", BuiltProgram.path("lava-server"), ["scheduler"] + storage + Self.dataDirectory(in: directory, for: "scheduler"))
        let pem = directory.appendingPathComponent("tls/haproxy.pem")
        try Data((try String(contentsOfFile: certificate.certificateFile, encoding: .utf8)
                  + String(contentsOfFile: certificate.keyFile, encoding: .utf8)).utf8).write(to: pem)
        try launch("haproxy", URL(fileURLWithPath: "/usr/sbin/haproxy"),
                   ["-f", PackageFiles.url("server/haproxy/haproxy.cfg").path], environment: [
                       "LAVA_LB_BIND": "127.0.0.1:\(balancerPort)",
                       "LAVA_SERVER_1": "127.0.0.1:\(serverPorts[0])",
                       "LAVA_SERVER_2": "127.0.0.1:\(serverPorts[1])",
                       "LAVA_LB_STATS_BIND": "127.0.0.1:\(statsPort)",
                       "LAVA_LB_TLS_BIND": "127.0.0.1:\(tlsPort)",
                       "LAVA_LB_TLS_CERT": pem.path,
                   ])
        try await poll("haproxy to see both lava-server instances up", within: 60) {
            let status = try await self.balancerStatus()
            return status["lava-server-1"] == "UP" && status["lava-server-2"] == "UP" ? () : nil
        }
    }

    /// `--data-dir` for one process: no two share one, as on separate machines.
    private static func dataDirectory(in directory: URL, for process: String) -> [String] {
        ["--data-dir", directory.appendingPathComponent("data-\(process)").path]
    }

    /// Starts (or starts again) server instance `index` (0 or 1) on its port.
    func startServer(_ index: Int) throws {
        try launch("server-\(index + 1)", BuiltProgram.path("lava-server"),
                   ["serve", "--no-scheduler", "--bind", "127.0.0.1:\(serverPorts[index])", "--trusted-proxy", "127.0.0.1"]
                   + storage + Self.dataDirectory(in: directory, for: "server-\(index + 1)"))
    }

    /// Kills server instance `index` as a crash would.
    func killServer(_ index: Int) {
        processes.withLock { $0.removeValue(forKey: "server-\(index + 1)") }?.kill()
    }

    private func launch(_ name: String, _ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws {
        let process = try ChildProcess(executable, arguments, environment: environment,
                                       logFile: directory.appendingPathComponent("\(name).log"))
        processes.withLock { $0[name] = process }
    }

    /// Kills every process the lab started.
    private func stop() {
        for process in processes.withLock({ $0.values }) {
            process.kill()
        }
    }

    /// The ends of the outputs of the servers (a killed one's too), the scheduler and haproxy,
    /// for failure messages.
    var logs: String {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".log") }.sorted().map { name in
            let text = (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
            return "--- \(name):\n" + text.split(separator: "\n").suffix(30).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    func worker() throws -> WorkerProcess {
        try WorkerProcess(url: tlsURL, token: workerToken, directory: directory.appendingPathComponent("worker"),
                          arguments: ["--ca-file", certificate.caFile])
    }
}
