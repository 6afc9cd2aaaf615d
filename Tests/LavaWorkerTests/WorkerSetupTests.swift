import Foundation
import LavaServer
@testable import LavaWorker
import Synchronization
import LavaTestSupport
import Testing

@Suite struct LocalJobStoreTests {
    static func store() throws -> LocalJobStore {
        try LocalJobStore(workerDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("lava-jobs-\(UUID().uuidString)"))
    }

    @Test("jobs survive a restart of the store; removed ones are gone; a half-written save is ignored")
    func saveLoadRemove() throws {
        let store = try Self.store()
        defer { try? FileManager.default.removeItem(at: store.directory.deletingLastPathComponent()) }
        let first = LocalJob(id: 3, token: "t3", pid: 100, status: .running, lastUpdate: 1)
        var second = LocalJob(id: 12, token: "t12", pid: 0, status: .finished, lastUpdate: 2)
        try store.save(first)
        try store.save(second)
        second.status = .canceling
        try store.save(second)
        // A crash between write and rename leaves only a temporary file behind.
        try Data("{broken".utf8).write(to: store.directory.appendingPathComponent(".7.json.tmp"))

        let reopened = try LocalJobStore(workerDirectory: store.directory.deletingLastPathComponent())
        #expect(try reopened.all() == [first, second])
        #expect(try reopened.find(id: 12)?.status == .canceling)
        try reopened.remove(id: 3)
        try reopened.remove(id: 3)
        #expect(try reopened.all() == [second])
    }

    @Test("a damaged record names its file")
    func damaged() throws {
        let store = try Self.store()
        defer { try? FileManager.default.removeItem(at: store.directory.deletingLastPathComponent()) }
        try Data("not json".utf8).write(to: store.directory.appendingPathComponent("5.json"))
        #expect { try store.all() } throws: { ($0 as? LocalJobStoreError)?.description.contains("5.json is not a job record") == true }
    }
}

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
        let port = try FreePort.next()
        let client = try LavaServerClient(url: "http://127.0.0.1:\(port)", agent: "lava-worker")
        let file = Self.tokenFile()
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let failures = Mutex(0)
        let registration = Task {
            try await WorkerToken(file: file, source: .file).resolve(name: "lab-1", client: client, pause: .milliseconds(50)) { _ in
                failures.withLock { $0 += 1 }
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        try await LiveServer.run(directory: directory, port: port) { live in
            let token = try await registration.value
            #expect(token.count == 32)
            #expect(try await live.inventory.workers().map(\.name) == ["lab-1"])
        }
        #expect(failures.withLock { $0 } > 0, "the first attempts met no server")
    }
}
