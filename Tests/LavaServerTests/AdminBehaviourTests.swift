import Foundation
import LavaCore
import LavaServer
import LavaTestSupport
import Testing

/// What the README tells server admins, tried on the built `lava-server` as they run it.
@Suite(.serialized) struct AdminBehaviourTests {
    /// A data directory, its storage options and a clean-up.
    struct Site {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lava-admin-\(UUID().uuidString)")
        var storage: [String] { ["--data-dir", directory.path, "--config-dir", directory.appendingPathComponent("etc").path] }

        func run(_ arguments: [String]) async throws -> (status: Int32, output: String, error: String) {
            try await ServerProcess.run(arguments + storage)
        }

        /// Runs `serve` with `options` for the duration of `body`, then stops it with SIGTERM.
        func serving<R>(_ options: [String] = [], database: [String] = [], _ body: (Int) async throws -> R) async throws -> R {
            let port = try FreePort.next()
            let serve = try ServerProcess.start(["serve", "--bind", "127.0.0.1:\(port)"] + options + storage + database,
                                                environment: ["LAVA_VERSION": "2030.01"])
            defer {
                if serve.isRunning { serve.terminate() }
                serve.waitUntilExit()
            }
            try await ServerProcess.waitForHealth(port: port)
            return try await body(port)
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    static let registration = "/scheduler/internal/v1/workers/"

    @Test("--no-worker-auto-register, --auto-register-network and --trusted-proxy on a running server")
    func registrationFlags() async throws {
        let site = Site()
        defer { site.remove() }
        try await site.serving(["--no-worker-auto-register"]) { port in
            let refused = try await ServerProcess.postForm(port: port, Self.registration, [("name", "w1")])
            #expect(refused.status == 403)
            #expect(refused.body == #"{"error":"Auto registration is disabled"}"#)
        }
        try await site.serving(["--auto-register-network", "10.0.0.0/8"]) { port in
            let refused = try await ServerProcess.postForm(port: port, Self.registration, [("name", "w1")], headers: ["X-Forwarded-For: 10.0.0.5"])
            #expect(refused.body == #"{"error":"Auto registration is forbidden for '127.0.0.1'"}"#, "the header is ignored by default")
        }
        try await site.serving(["--auto-register-network", "10.0.0.0/8", "--trusted-proxy", "127.0.0.1"]) { port in
            let accepted = try await ServerProcess.postForm(port: port, Self.registration, [("name", "w1")], headers: ["X-Forwarded-For: 10.0.0.5"])
            #expect(accepted.status == 200, "\(accepted.body)")
        }
        try await site.serving(["--auto-register-network", "127.0.0.0/8", "--auto-register-network", "::1"]) { port in
            let accepted = try await ServerProcess.postForm(port: port, Self.registration, [("name", "w2")])
            #expect(accepted.status == 200)
            let again = try await ServerProcess.postForm(port: port, Self.registration, [("name", "w2")])
            #expect(again.body == #"{"error":"Worker 'w2' already registered"}"#)
        }
        #expect(try await site.run(["workers", "list"]).output == "w1\tOffline\tActive\t-\nw2\tOffline\tActive\t-\n")
    }

    @Test("version-policy shows and sets the policy; exact refuses every other version")
    func versionPolicy() async throws {
        let site = Site()
        defer { site.remove() }
        #expect(try await site.run(["version-policy"]).output == "exact\n", "exact by default")
        let worker = try await site.run(["workers", "add", "w1"])
        let token = try #require(worker.output.split(separator: "\n").first?.split(separator: " ").last.map(String.init))
        let ping = "/scheduler/internal/v1/workers/w1/?version=2029.12"

        #expect(try await site.run(["version-policy", "2029.12,2029.11"]).output == "2029.12, 2029.11\n")
        #expect(try await site.run(["version-policy"]).output == "2029.12, 2029.11\n")
        try await site.serving { port in
            let accepted = try await ServerProcess.get(port: port, ping, headers: ["LAVA-Token: \(token)"])
            #expect(accepted.status == 200)
        }
        #expect(try await site.run(["version-policy", "exact"]).output == "exact\n")
        #expect(try await site.run(["version-policy"]).output == "exact\n")
        let bad = try await site.run(["version-policy", "2029.12,,"])
        #expect(bad.status != 0)
        #expect(try await site.run(["version-policy"]).output == "exact\n", "a refused policy changes nothing")
        try await site.serving { port in
            let stale = try await ServerProcess.get(port: port, ping, headers: ["LAVA-Token: \(token)"])
            #expect(stale.status == 409)
            #expect(stale.body == #"{"error":"Version mismatch '2029.12' vs '2030.01'"}"#)
        }
    }

    @Test("workers token replaces the token; workers active ends maintenance")
    func workerCommands() async throws {
        let site = Site()
        defer { site.remove() }
        let added = try await site.run(["workers", "add", "w1"])
        let old = try #require(added.output.split(separator: "\n").first?.split(separator: " ").last.map(String.init))
        let renewed = try await site.run(["workers", "token", "w1"])
        #expect(renewed.status == 0)
        let new = renewed.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(new.count == 32 && new != old)
        #expect(try await site.run(["workers", "token", "ghost"]).error.contains("Unknown worker 'ghost'"))
        let ping = "/scheduler/internal/v1/workers/w1/?version=2030.01"
        try await site.serving { port in
            let refused = try await ServerProcess.get(port: port, ping, headers: ["LAVA-Token: \(old)"])
            #expect(refused.status == 400)
            #expect(refused.body == #"{"error":"Invalid 'token'"}"#)
            #expect(try await ServerProcess.get(port: port, ping, headers: ["LAVA-Token: \(new)"]).status == 200)
        }
        #expect(try await site.run(["workers", "maintenance", "w1"]).status == 0)
        #expect(try await site.run(["workers", "list"]).output.contains("\tMaintenance\t2030.01"))
        #expect(try await site.run(["workers", "active", "w1"]).status == 0)
        #expect(try await site.run(["workers", "list"]).output.contains("\tActive\t2030.01"))
        #expect(try await site.run(["workers", "active", "ghost"]).error.contains("Unknown worker 'ghost'"))
    }

    @Test("GET /health answers 503 while the database does not answer, and good again after",
          arguments: Backend.all.filter { $0 == .postgres })
    func healthFollowsTheDatabase(_ backend: Backend) async throws {
        try await withScratch(backend) { scratch in
            guard case .postgres(let url) = scratch.location, let base = ProcessInfo.processInfo.environment[Backend.postgresVariable],
                  let name = URLComponents(string: url).map({ String($0.path.dropFirst()) }) else {
                Issue.record("no PostgreSQL scratch database")
                return
            }
            let site = Site()
            defer { site.remove() }
            let admin = try await DatabaseLocation.postgres(url: base).open()
            do {
                try await cutAndRestore(admin: admin, database: name, url: url, site: site)
            } catch {
                await admin.close()
                throw error
            }
            await admin.close()
        }
    }

    private func cutAndRestore(admin: any Database, database name: String, url: String, site: Site) async throws {
        try await site.serving(database: ["--database", url]) { port in
            // The database stops answering this server: no new connections, the open ones cut.
            try await admin.read { db in
                try await db.raw("ALTER DATABASE \(unsafeRaw: name) ALLOW_CONNECTIONS false").run()
                try await db.raw("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(bind: name)").run()
            }
            let down = try await ServerProcess.get(port: port, "/health")
            #expect(down.status == 503)
            #expect(down.body.contains(#""health":"bad""#))
            #expect(down.body.contains("database unreachable"))
            try await admin.read { try await $0.raw("ALTER DATABASE \(unsafeRaw: name) ALLOW_CONNECTIONS true").run() }
            try await ServerProcess.waitForHealth(port: port)
            #expect(try await ServerProcess.get(port: port, "/health").body == #"{"health":"good"}"#)
        }
    }
}
