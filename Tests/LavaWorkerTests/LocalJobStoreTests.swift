import Foundation
@testable import LavaWorker
import Testing

@Suite struct LocalJobStoreTests {
    static func directory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("lava-jobs-\(UUID().uuidString)")
    }

    @Test("jobs survive a reopening of the store; removed ones are gone")
    func saveLoadRemove() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try LocalJobStore(workerDirectory: directory)
        let first = LocalJob(id: 3, token: "t3", pid: 100, status: .running, lastUpdate: 1)
        var second = LocalJob(id: 12, token: "t12", pid: 0, status: .finished, lastUpdate: 2, prefix: "lab-")
        try store.save(first)
        try store.save(second)
        second.status = .canceling
        try store.save(second)

        let reopened = try LocalJobStore(workerDirectory: directory)
        #expect(reopened.file.lastPathComponent == "db.sqlite3")
        #expect(try reopened.all() == [first, second])
        #expect(try reopened.find(id: 12)?.status == .canceling)
        try reopened.remove(id: 3)
        try reopened.remove(id: 3)
        #expect(try reopened.all() == [second])
    }

    @Test("a database written by an old LAVA worker (no prefix, no token) is read and extended")
    func lavaTable() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            let lava = try SQLiteConnection(path: directory.appendingPathComponent("db.sqlite3").path)
            try lava.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY, pid INTEGER, status INTEGER, last_update INTEGER)")
            try lava.execute("INSERT INTO jobs VALUES (42, 4242, 1, 1700000000)")
        }
        let store = try LocalJobStore(workerDirectory: directory)
        #expect(try store.all() == [LocalJob(id: 42, token: "", pid: 4242, status: .canceling, lastUpdate: 1_700_000_000)])
        try store.save(LocalJob(id: 43, token: "t", pid: 1, status: .running, lastUpdate: 5, prefix: "p"))
        #expect(try store.find(id: 43)?.prefix == "p")
    }

    @Test("a file that is not a database gives an error naming it")
    func damaged() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(repeating: 0x41, count: 4096).write(to: directory.appendingPathComponent("db.sqlite3"))
        #expect { try LocalJobStore(workerDirectory: directory) } throws: {
            ($0 as? LocalJobStoreError)?.description.contains("db.sqlite3") == true
        }
    }
}
