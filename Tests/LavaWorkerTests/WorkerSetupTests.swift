import Foundation
import LavaClient
import LavaServer
@testable import LavaWorker
import LavaTestSupport
import Testing

@Suite struct WorkerTokenTests {
    static func tokenFile() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("lava-token-\(UUID().uuidString)/token")
    }

    static func mode(_ file: URL) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int) ?? -1
    }

    @Test("a given token is written (0600); a token file is read; otherwise the worker registers once")
    func sources() async throws {
        try await LiveServer.run { live in
            let client = try LavaServerClient(url: live.url, agent: "lava-worker")
            let file = Self.tokenFile()
            defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }

            let registered = try await WorkerToken(file: file, source: .file).resolve(name: "lab-1", client: client)
            #expect(try String(contentsOf: file, encoding: .utf8) == registered)
            #expect(try Self.mode(file) == 0o600)
            #expect(try await WorkerToken(file: file, source: .file).resolve(name: "lab-1", client: client) == registered,
                    "the second start reads the file instead of registering again")

            #expect(try await WorkerToken(file: file, source: .given("abc\n")).resolve(name: "lab-1", client: client) == "abc\n")
            #expect(try WorkerToken(file: file, source: .file).read() == "abc")

            let refused = WorkerToken(file: Self.tokenFile(), source: .register(username: "nobody", password: "x"))
            await #expect(throws: WorkerAPIError(status: 403, message: "Unknown user nobody", transport: false)) {
                _ = try await refused.resolve(name: "lab-2", client: client)
            }
        }
    }

    @Test("registration retries until the server is up")
    func retriesUntilServerUp() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lava-token-server-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        // Held until the server starts: another test's server on it would answer 404 to the
        // registration, which is no reason to retry.
        let port = try FreePort.reserve()
        let client = try LavaServerClient(url: "http://127.0.0.1:\(port.port)", agent: "lava-worker")
        let file = Self.tokenFile()
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let (failed, failure) = AsyncStream<Void>.makeStream()
        let registration = Task {
            defer { failure.finish() }
            return try await WorkerToken(file: file, source: .file).resolve(name: "lab-1", client: client, pause: .milliseconds(50)) { _ in
                failure.yield()
            }
        }
        // The server starts only once an attempt has met none, so a retry is what registers.
        var failures = failed.makeAsyncIterator()
        try #require(await failures.next() != nil, "registration ended without an attempt that met no server")
        port.release()
        try await LiveServer.run(directory: directory, port: port.port) { live in
            let token = try await registration.value
            #expect(token.count == 32)
            #expect(try await live.inventory.workers().map(\.name) == ["lab-1"])
        }
    }
}

@Suite struct IdentityOptionsTests {
    @Test("--name is the name, and the FQDN is not asked for; without it the FQDN is, and must be a valid name")
    func workerName() throws {
        let named = try IdentityOptions.parse(["--name", "lab-1"])
        #expect(try named.workerName { Issue.record("the FQDN was asked for although --name is given"); return "host" } == "lab-1")
        let unnamed = try IdentityOptions.parse([])
        #expect(try unnamed.workerName { "host.example.org" } == "host.example.org")
        #expect(throws: WorkerSetupError.self) { try unnamed.workerName { "host with spaces" } }
        #expect(throws: (any Error).self) { try IdentityOptions.parse(["--name", "a/b"]) }
    }
}
