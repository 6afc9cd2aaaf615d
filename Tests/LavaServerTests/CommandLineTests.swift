import Foundation
import LavaCore
import Testing

/// `lava-server` as an admin uses it: the admin commands, then `serve` on the embedded default.
@Suite(.serialized) struct CommandLineTests {
    @Test("admin commands print tokens and the install line; serve answers the worker; SIGTERM stops it")
    func adminThenServe() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lava-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = ["--data-dir", directory.path, "--config-dir", directory.appendingPathComponent("etc").path]

        let user = try ServerProcess.run(["users", "add", "admin", "--admin"] + storage)
        #expect(user.status == 0, "\(user.error)")
        #expect(user.output.trimmingCharacters(in: .whitespacesAndNewlines).count == 32)

        let worker = try ServerProcess.run(["workers", "add", "lab-1", "--url", "http://lava.example:8000"] + storage)
        #expect(worker.status == 0, "\(worker.error)")
        let token = try #require(worker.output.split(separator: "\n").first?.split(separator: " ").last.map(String.init))
        #expect(worker.output.contains("lava-docker-worker install --url http://lava.example:8000 --name lab-1 --token \(token)"))

        let again = try ServerProcess.run(["workers", "add", "lab-1"] + storage)
        #expect(again.status != 0)
        #expect(again.error.contains("Worker 'lab-1' already exists"))

        #expect(try ServerProcess.run(["device-types", "add", "docker"] + storage).status == 0)
        #expect(try ServerProcess.run(["devices", "add", "docker-01", "--type", "docker", "--worker", "lab-1"] + storage).status == 0)
        let orphan = try ServerProcess.run(["devices", "add", "d2", "--type", "nosuch", "--worker", "lab-1"] + storage)
        #expect(orphan.status != 0)
        #expect(orphan.error.contains("Unknown device type 'nosuch'"))
        #expect(try ServerProcess.run(["workers", "maintenance", "lab-1"] + storage).status == 0)
        let listed = try ServerProcess.run(["workers", "list"] + storage)
        #expect(listed.output == "lab-1\tOffline\tMaintenance\t-\n")
        #expect(try ServerProcess.run(["version-policy", "2026.10,2026.09"] + storage).output == "2026.10, 2026.09\n")
        let badDatabase = try ServerProcess.run(["workers", "list", "--database", "mysql://x"])
        #expect(badDatabase.status != 0)
        #expect(badDatabase.error.contains("neither sqlite:PATH nor postgres://"))

        let port = try ServerProcess.freePort()
        let serve = Process()
        serve.executableURL = ServerProcess.binary
        serve.arguments = ["serve", "--bind", "127.0.0.1:\(port)"] + storage
        serve.environment = ProcessInfo.processInfo.environment.merging(["LAVA_VERSION": "2030.01"]) { $1 }
        serve.standardOutput = FileHandle.nullDevice
        serve.standardError = FileHandle.nullDevice
        try serve.run()
        defer { if serve.isRunning { serve.terminate() } }

        var version: (status: Int, body: String)?
        for _ in 0..<100 where version == nil {
            version = try? ServerProcess.get(port: port, "/api/v0.2/system/version/")
            if version == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(version?.body == #"{"version":"2030.01"}"#, "LAVA_VERSION sets the version the binary reports")
        let ping = try ServerProcess.get(port: port, "/scheduler/internal/v1/workers/lab-1/?version=2030.01", headers: ["LAVA-Token: \(token)"])
        #expect(ping.status == 200)
        #expect(ping.body == #"{"cancel":[],"running":[],"start":[]}"#)

        serve.terminate()
        serve.waitUntilExit()
        #expect(serve.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("lava.sqlite3").path))
    }
}
