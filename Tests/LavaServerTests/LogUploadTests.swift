import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LavaCore
import LavaTestSupport
@testable import LavaServer
import Testing

@Suite struct LogUploadTests {
    static func line(_ n: Int, level: String = "target") -> String {
        #"{"dt": "2026-11-24T22:46:13.208235", "lvl": "\#(level)", "msg": "tick \#(n)"}"#
    }

    @Test("a resent batch stores no line twice and keeps test cases unique", arguments: Backend.all, LogStoreKind.allCases)
    func resendDoesNotDuplicate(_ backend: Backend, _ store: LogStoreKind) async throws {
        try await withServer(backend, configure: { $0.logStore = store }) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let (id, token) = try await server.startJob(client, lab)
                let result = #"{"dt": "2026-11-24T22:46:14.0", "lvl": "results", "msg": {"definition": "0_smoke", "case": "ok", "result": "pass", "measurement": "1.5", "units": "s"}}"#
                let first = (0..<3).map { Self.line($0) } + [result]
                var response = try await client.uploadLogs(id, token: token, lines: first, index: 0)
                #expect(response.status == .ok)
                #expect(response.text == #"{"line_count":4}"#)

                // The answer was lost: the sender resends the same batch plus new lines.
                let second = first + (4..<6).map { Self.line($0) }
                response = try await client.uploadLogs(id, token: token, lines: second, index: 0)
                #expect(response.text == #"{"line_count":6}"#)
                response = try await client.uploadLogs(id, token: token, lines: [Self.line(6)], index: 6)
                #expect(response.text == #"{"line_count":1}"#)

                let log = try await client.rest(.get, "/api/v0.2/jobs/\(id)/logs/", token: nil)
                #expect(log.status == .ok)
                #expect(log.headers[.contentType] == "application/yaml")
                let stored = log.text.split(separator: "\n").map(String.init)
                #expect(stored == second.map { "- " + $0 } + ["- " + Self.line(6)])
                let job = try #require(try await server.job(id))
                #expect(job.logStore == store)
                #expect(try await server.server.logs.lineCount(job.logKey) == 7)

                let tests = try await client.rest(.get, "/api/v0.2/jobs/\(id)/tests/", token: nil).json()
                #expect(tests["count"] as? Int == 1)
                let testCase = try #require((tests["results"] as? [[String: Any]])?.first)
                #expect(testCase["suite"] as? String == "0_smoke")
                #expect(testCase["name"] as? String == "ok")
                #expect(testCase["result"] as? String == "pass")
                #expect(testCase["measurement"] as? Double == 1.5)
                #expect(testCase["unit"] as? String == "s")
                #expect(testCase["log_line"] as? Int == 3)

                let range = try await client.rest(.get, "/api/v0.2/jobs/\(id)/logs/?start=1&end=3", token: nil)
                #expect(range.text.split(separator: "\n").map(String.init) == ["- " + Self.line(1), "- " + Self.line(2)])
            }
        }
    }

    @Test("results of the lava suite keep their extra data beside the log", arguments: Backend.all, LogStoreKind.allCases)
    func extraData(_ backend: Backend, _ store: LogStoreKind) async throws {
        try await withServer(backend, configure: { $0.logStore = store }) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let (id, token) = try await server.startJob(client, lab)
                let first = #"{"dt": "2026-11-24T22:46:14.0", "lvl": "results", "msg": {"definition": "lava", "case": "deploy-docker", "level": "1", "duration": "2.5", "result": "pass", "extra": {"image": "debian"}}}"#
                let second = #"{"dt": "2026-11-24T22:46:15.0", "lvl": "results", "msg": {"definition": "lava", "case": "deploy-docker", "level": "1", "duration": "2.5", "result": "pass", "extra": {"digest": "sha256:1"}}}"#
                #expect(try await client.uploadLogs(id, token: token, lines: [first, second], index: 0).status == .ok)
                let job = try #require(try await server.job(id))
                let merged = try await server.server.logs.file(job.logKey, .metadata(try PathComponent("lava-deploy-docker-1.yaml")))
                #expect(merged == "digest: sha256:1\nimage: debian\n")
                let tests = try await client.rest(.get, "/api/v0.2/jobs/\(id)/tests/", token: nil).json()
                let testCase = try #require((tests["results"] as? [[String: Any]])?.first)
                #expect(testCase["suite"] as? String == "lava")
                #expect(testCase["measurement"] as? Double == 2.5)
                #expect(testCase["unit"] as? String == "seconds")
                #expect((testCase["metadata"] as? String)?.contains(server.server.logs.metadataDirectory(job.logKey) + "/lava-deploy-docker-1.yaml") == true)
            }
        }
    }

    @Test("a worker's batch that passed its check as its job ended waits for the end under the job's row lock, is refused with 404, and stores nothing (the database store)",
          arguments: Backend.all.filter { $0 == .postgres })
    func batchAtTheEnd(_ backend: Backend) async throws {
        try await withServer(backend, configure: { $0.logStore = .database }) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let (id, token) = try await server.startJob(client, lab)
                #expect(try await client.uploadLogs(id, token: token, lines: [Self.line(0)], index: 0).status == .ok)
                let database = server.server.database
                let late = try await database.write { db in
                    // The job ends in this transaction; the batch comes while it is open.
                    try await db.raw("""
                        UPDATE jobs SET state = \(bind: JobState.finished.rawValue), health = \(bind: JobHealth.incomplete.rawValue) WHERE id = \(bind: id)
                        """).run()
                    let upload = Task { try await client.uploadLogs(id, token: token, lines: [Self.line(1)], index: 1) }
                    try await within(30, "the batch to wait for the job's row") {
                        while try await database.read({ db in
                            try await db.raw("""
                                SELECT count(*) AS waiting FROM pg_stat_activity
                                WHERE wait_event_type = 'Lock' AND query LIKE 'SELECT state FROM jobs%'
                                """).first()?.decode(column: "waiting", as: Int.self)
                        }) == 0 {
                            try await Task.sleep(for: .milliseconds(10))
                        }
                    }
                    return upload
                }
                let response = try await late.value
                #expect(response.status == .notFound, "\(response.text)")
                let job = try #require(try await server.job(id))
                #expect(try await server.server.logs.count(job.logKey) == 1, "the batch is not stored after the end")
            }
        }
    }

    @Test("event lines are stored as debug lines", arguments: [Backend.sqlite])
    func eventBecomesDebug(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let (id, token) = try await server.startJob(client, lab)
                let response = try await client.uploadLogs(id, token: token, lines: [Self.line(1, level: "event")], index: 0)
                #expect(response.status == .ok)
                let log = try await client.rest(.get, "/api/v0.2/jobs/\(id)/logs/", token: nil)
                #expect(log.text == "- " + Self.line(1, level: "debug") + "\n")
            }
        }
    }
}

extension JobLogStore {
    /// Number of stored lines of a job, 0 before its first.
    func lineCount(_ job: JobLogKey) async throws -> Int {
        try await count(job) ?? 0
    }

    /// Stored lines as text, read the way the REST API streams them.
    func text(_ job: JobLogKey, start: Int = 0) async throws -> String {
        var text = ""
        try await read(job, lines: start..<Int.max) { bytes, _ in
            text += String(decoding: bytes, as: UTF8.self)
            return true
        }
        return text
    }
}

@Suite struct JobLogFilesTests {
    @Test("a tail left by a crash is cut before the next append")
    func crashTailIsCut() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lava-logs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let storage = JobLogFiles(root: root)
        let outcome = try storage.append(jobID: 7, submitTime: 0, index: 0, lines: ["- a", "- b"])
        #expect(outcome == AppendOutcome(firstLine: 0, appended: 2))

        // A crash between the two writes: lines past the index, and half an index entry.
        let directory = storage.directory(jobID: 7, submitTime: 0)
        let data = try FileHandle(forWritingTo: directory.appendingPathComponent("output.yaml"))
        try data.seekToEnd()
        try data.write(contentsOf: Data("- lost\n- half".utf8))
        try data.close()
        let index = try FileHandle(forWritingTo: directory.appendingPathComponent("output.idx"))
        try index.seekToEnd()
        try index.write(contentsOf: Data([1, 2, 3]))
        try index.close()

        #expect(try await storage.lineCount(JobLogKey(id: 7, submitTime: 0, store: .files)) == 2)
        let next = try storage.append(jobID: 7, submitTime: 0, index: 2, lines: ["- c"])
        #expect(next == AppendOutcome(firstLine: 2, appended: 1))
        #expect(try await storage.text(JobLogKey(id: 7, submitTime: 0, store: .files)) == "- a\n- b\n- c\n")
        #expect(try await storage.text(JobLogKey(id: 7, submitTime: 0, store: .files), start: 2) == "- c\n")
        #expect(try await storage.lineCount(JobLogKey(id: 7, submitTime: 0, store: .files)) == 3)
    }

    @Test("a sender ahead of the server loses nothing")
    func senderAheadStoresAll() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lava-logs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let storage = JobLogFiles(root: root)
        #expect(try storage.append(jobID: 1, submitTime: 0, index: 5, lines: ["- x", "- y"]) == AppendOutcome(firstLine: 0, appended: 2))
        #expect(try await storage.text(JobLogKey(id: 1, submitTime: 0, store: .files)) == "- x\n- y\n")
    }

    @Test("the layout is LAVA's: job-output/YYYY/MM/DD/<id>")
    func layout() {
        let storage = JobLogFiles(root: URL(fileURLWithPath: "/srv"))
        // 2026-11-24T22:46:13Z
        #expect(storage.directory(jobID: 42, submitTime: 1_795_560_373).path == "/srv/job-output/2026/11/24/42")
    }
}
