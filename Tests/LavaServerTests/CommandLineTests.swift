import Foundation
import LavaCore
import LavaTestSupport
import Testing

/// `lava-server` as an admin uses it: the admin commands, then `serve` on the embedded default.
@Suite(.serialized) struct CommandLineTests {
    @Test("admin commands print tokens and the install line; serve answers the worker; SIGTERM stops it")
    func adminThenServe() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lava-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = ["--data-dir", directory.path, "--config-dir", directory.appendingPathComponent("etc").path]

        let user = try await ServerProcess.run(["users", "add", "admin", "--admin"] + storage)
        #expect(user.status == 0, "\(user.error)")
        #expect(user.output.trimmingCharacters(in: .whitespacesAndNewlines).count == 32)

        let worker = try await ServerProcess.run(["workers", "add", "lab-1", "--url", "http://lava.example:8000"] + storage)
        #expect(worker.status == 0, "\(worker.error)")
        let token = try #require(worker.output.split(separator: "\n").first?.split(separator: " ").last.map(String.init))
        #expect(worker.output.contains("lava-docker-worker install --url http://lava.example:8000 --name lab-1 --token \(token)"))

        let again = try await ServerProcess.run(["workers", "add", "lab-1"] + storage)
        #expect(again.status != 0)
        #expect(again.error.contains("Worker 'lab-1' already exists"))

        #expect(try await ServerProcess.run(["device-types", "add", "docker"] + storage).status == 0)
        #expect(try await ServerProcess.run(["devices", "add", "docker-01", "--type", "docker", "--worker", "lab-1"] + storage).status == 0)
        let orphan = try await ServerProcess.run(["devices", "add", "d2", "--type", "nosuch", "--worker", "lab-1"] + storage)
        #expect(orphan.status != 0)
        #expect(orphan.error.contains("Unknown device type 'nosuch'"))
        #expect(try await ServerProcess.run(["workers", "maintenance", "lab-1"] + storage).status == 0)
        let listed = try await ServerProcess.run(["workers", "list"] + storage)
        #expect(listed.output == "lab-1\tOffline\tMaintenance\t-\n")
        #expect(try await ServerProcess.run(["version-policy", "2026.10,2026.09"] + storage).output == "2026.10, 2026.09\n")
        let badDatabase = try await ServerProcess.run(["workers", "list", "--database", "mysql://x"])
        #expect(badDatabase.status != 0)
        #expect(badDatabase.error.contains("neither sqlite:PATH nor postgres://"))

        let port = try FreePort.next()
        let serve = try ServerProcess.start(["serve", "--bind", "127.0.0.1:\(port)"] + storage, environment: ["LAVA_VERSION": "2030.01"])
        defer { if serve.isRunning { serve.terminate() } }
        try await ServerProcess.waitForHealth(port: port)
        let version = try await ServerProcess.get(port: port, "/api/v0.2/system/version/")
        // The policy set above is listed too, for lava-docker-worker.
        #expect(version.body == #"{"accepted_worker_versions":["2026.10","2026.09"],"version":"2030.01"}"#,
                "LAVA_VERSION sets the version the binary reports")
        let ping = try await ServerProcess.get(port: port, "/scheduler/internal/v1/workers/lab-1/?version=2030.01", headers: ["LAVA-Token: \(token)"])
        #expect(ping.status == 200)
        #expect(ping.body == #"{"cancel":[],"running":[],"start":[]}"#)

        serve.terminate()
        serve.waitUntilExit()
        #expect(serve.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("lava.sqlite3").path))
    }

    @Test("LAVA_SERVER_DATABASE names the database when --database is not given; --database wins")
    func databaseFromEnvironment() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lava-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = ["--data-dir", directory.path, "--config-dir", directory.appendingPathComponent("etc").path]
        let named = directory.appendingPathComponent("named.sqlite3")
        let environment = ["LAVA_SERVER_DATABASE": "sqlite:\(named.path)"]

        let user = try await ServerProcess.run(["users", "add", "admin", "--admin"] + storage, environment: environment)
        #expect(user.status == 0, "\(user.error)")
        #expect(FileManager.default.fileExists(atPath: named.path))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("lava.sqlite3").path))

        let explicit = try await ServerProcess.run(["workers", "add", "lab-1", "--database", "sqlite:\(directory.path)/other.sqlite3"] + storage,
                                             environment: environment)
        #expect(explicit.status == 0, "\(explicit.error)")
        let listed = try await ServerProcess.run(["workers", "list"] + storage, environment: environment)
        #expect(listed.output.isEmpty, "the worker went to --database's file, not LAVA_SERVER_DATABASE's")

        let bad = try await ServerProcess.run(["workers", "list"] + storage, environment: ["LAVA_SERVER_DATABASE": "mysql://x"])
        #expect(bad.status != 0)
        #expect(bad.error.contains("neither sqlite:PATH nor postgres://"))
    }

    @Test("a separate scheduler process assigns jobs that a serve without scheduler accepted, on one SQLite file")
    func separateScheduler() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lava-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = ["--data-dir", directory.path, "--config-dir", directory.appendingPathComponent("etc").path]
        let user = try await ServerProcess.run(["users", "add", "alice"] + storage).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let worker = try await ServerProcess.run(["workers", "add", "lab-1"] + storage)
        let token = try #require(worker.output.split(separator: "\n").first?.split(separator: " ").last.map(String.init))
        #expect(try await ServerProcess.run(["device-types", "add", "docker"] + storage).status == 0)
        #expect(try await ServerProcess.run(["devices", "add", "docker-01", "--type", "docker", "--worker", "lab-1"] + storage).status == 0)

        let port = try FreePort.next()
        let serve = try ServerProcess.start(["serve", "--no-scheduler", "--bind", "127.0.0.1:\(port)"] + storage)
        defer { serve.terminate() }
        let scheduler = try ServerProcess.start(["scheduler", "--interval", "0.2"] + storage)
        defer { scheduler.terminate() }
        try await ServerProcess.waitForHealth(port: port)

        let version = LavaVersion.current
        #expect(try await ServerProcess.get(port: port, "/scheduler/internal/v1/workers/lab-1/?version=\(version)", headers: ["LAVA-Token: \(token)"]).status == 200)
        let definition = try JSONEncoder().encode(["definition": "device_type: docker\njob_name: one\nvisibility: public\ntimeouts: {job: {minutes: 5}}\nactions:\n- deploy: {to: docker, image: debian}\n"])
        let submitted = try await ServerProcess.post(port: port, "/api/v0.2/jobs/", json: String(decoding: definition, as: UTF8.self), headers: ["Authorization: Token \(user)"])
        #expect(submitted.status == 201, "\(submitted.body)")

        var started = false
        for _ in 0..<50 where !started {
            let ping = try await ServerProcess.get(port: port, "/scheduler/internal/v1/workers/lab-1/?version=\(version)", headers: ["LAVA-Token: \(token)"])
            started = ping.body.contains(#""start":[{"id":1,"#)
            if !started { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(started, "the scheduler process assigned the job and the worker is told to start it")
        scheduler.terminate()
        scheduler.waitUntilExit()
        #expect(scheduler.terminationStatus == 0, "SIGTERM stops the scheduler gracefully")
    }
}
