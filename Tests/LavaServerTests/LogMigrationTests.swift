import Foundation
import LavaCore
@testable import LavaServer
import LavaTestSupport
import Testing

/// `lava-server logs migrate` and `logs export` on a real server and database: a running job's
/// log moved to the other store and back while its worker sends batches, every line once.
@Suite(.serialized) struct LogMigrationTests {
    static func line(_ n: Int) -> String {
        #"{"dt": "2026-11-24T22:46:13.0", "lvl": "target", "msg": "line \#(n)"}"#
    }

    @Test("a running job's log moves to the database and back while its worker sends batches; every line once, its files too; a second run moves nothing", arguments: Backend.all)
    func runningJob(_ backend: Backend) async throws {
        try await withServer(backend, configure: { $0.logStore = .files }) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let (id, token) = try await server.startJob(client, lab)
                let migration = LogMigration(configuration: server.server.configuration, database: server.server.database)
                let batches = 60, size = 50
                var sent: [String] = []
                for target in [LogStoreKind.database, .files] {
                    let first = sent.count
                    // The worker sends batches while the migration runs; it starts a few batches in.
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for batch in 0..<batches {
                                let start = first + batch * size
                                let uploaded = try await client.uploadLogs(id, token: token, lines: (start..<start + size).map(Self.line), index: start)
                                #expect(uploaded.status == .ok, "\(uploaded.text)")
                            }
                        }
                        group.addTask {
                            while try await server.server.logs.count(try #require(try await server.job(id)).logKey) ?? 0 < first + 5 * size {
                                try await Task.sleep(for: .milliseconds(5))
                            }
                            let moved = try await migration.migrate(to: target)
                            #expect(moved.map(\.jobID) == [id])
                        }
                        try await group.waitForAll()
                    }
                    sent += (first..<first + batches * size).map(Self.line)
                    let job = try #require(try await server.job(id))
                    #expect(job.logStore == target)
                    let log = try await client.rest(.get, "/api/v0.2/jobs/\(id)/logs/", token: nil)
                    let got = log.text.split(separator: "\n").map(String.init), want = sent.map { "- " + $0 }
                    let difference = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }
                    #expect(got.count == want.count && difference == nil,
                            "every line once, in order, in the \(target) store: \(got.count) of \(want.count), first difference at \(difference.map { "\($0.offset): \($0.element.0)" } ?? "-")")
                    #expect(try await migration.migrate(to: target).isEmpty, "nothing left to move")
                }
                // The end's description lands where the log is now, and moves with it.
                let finished = try await client.postForm("/scheduler/internal/v1/jobs/\(id)/", token: token,
                                                         [("state", "FINISHED"), ("result", "pass"), ("description", "pipeline: []")])
                #expect(finished.status == .ok)
                let job = try #require(try await server.job(id))
                #expect(try await server.server.logs.file(job.logKey, .description) == "pipeline: []")
                try await migration.migrate(to: .database)
                let moved = try #require(try await server.job(id))
                #expect(moved.logStore == .database)
                #expect(try await server.server.logs.file(moved.logKey, .description) == "pipeline: []")
                #expect(try await server.server.logs.count(moved.logKey) == sent.count)
            }
        }
    }

    /// Puts the job in the state a migration to the database leaves it in when stopped right
    /// after switching its row: the first `copied` lines and `extra` in the database, the row
    /// naming it and marked as moved from files.
    static func interruptedMove(_ server: TestServer, _ id: Int, copied: Int, extra: String) async throws {
        let job = try #require(try await server.job(id))
        let table = JobLogKey(id: id, submitTime: job.submitTime, store: .database)
        _ = try await server.server.logs.copy(from: job.logKey, to: table, before: copied)
        try await server.server.logs.table.save(table, Self.extraFile, text: extra)
        try await server.server.database.write { db in
            try await db.raw("UPDATE jobs SET log_store = 1, log_moved_from = 0 WHERE id = \(bind: id)").run()
        }
    }

    static let extraFile = JobFile.metadata(try! PathComponent("0_smoke-ok-1.yaml"))

    static func movedFrom(_ server: TestServer, _ id: Int) async throws -> Int? {
        try await server.server.database.read { db in
            try await db.raw("SELECT log_moved_from FROM jobs WHERE id = \(bind: id)").first()?.decode(column: "log_moved_from", as: Int?.self)
        }
    }

    @Test("a move stopped after the switch is finished by the next run where the old store is, whatever its target: every line once in both stores, and the result extra keys of both stores where the log is, the later store's over the other's", arguments: Backend.all, LogStoreKind.allCases)
    func interrupted(_ backend: Backend, _ target: LogStoreKind) async throws {
        try await withServer(backend, configure: { $0.logStore = .files }) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let (id, token) = try await server.startJob(client, lab)
                let lines = (0..<100).map(Self.line)
                #expect(try await client.uploadLogs(id, token: token, lines: lines, index: 0).status == .ok)
                let files = JobLogKey(id: id, submitTime: try #require(try await server.job(id)).submitTime, store: .files)
                try await server.server.logs.files.save(files, Self.extraFile, text: "a: 1\nb: 1\n")
                try await Self.interruptedMove(server, id, copied: 40, extra: "b: 2\nc: 3\n")
                #expect(try await Self.movedFrom(server, id) == 0)

                // Run where the files are not: the job is left marked, for a run where they are.
                var elsewhere = server.server.configuration
                elsewhere.dataDirectory = elsewhere.dataDirectory.appendingPathComponent("elsewhere")
                let blind = try await LogMigration(configuration: elsewhere, database: server.server.database).migrate(to: target)
                #expect(blind == [LogMigration.Moved(jobID: id, lines: 0, files: 0, notFound: true)])
                #expect(try await Self.movedFrom(server, id) == 0)
                #expect(try #require(try await server.job(id)).logStore == .database)

                let moved = try await LogMigration(configuration: server.server.configuration, database: server.server.database).migrate(to: target)
                #expect(moved.map(\.jobID) == [id])
                let job = try #require(try await server.job(id))
                #expect(job.logStore == target)
                #expect(try await Self.movedFrom(server, id) == nil, "the move is finished")
                for store in LogStoreKind.allCases {
                    let key = JobLogKey(id: id, submitTime: job.submitTime, store: store)
                    #expect(try await server.server.logs.lines(key, start: 0, count: 1000) == lines.map { "- " + $0 }, "\(store)")
                }
                #expect(try await server.server.logs.file(job.logKey, Self.extraFile) == "a: 1\nb: 2\nc: 3\n")
                #expect(try await LogMigration(configuration: server.server.configuration, database: server.server.database).migrate(to: target).isEmpty)
            }
        }
    }

    @Test("a sender ahead while its log is moved: its batch is placed where its store placed it, once in each store", arguments: Backend.all)
    func senderAheadDuringMove(_ backend: Backend) async throws {
        try await withServer(backend, configure: { $0.logStore = .files }) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let (id, token) = try await server.startJob(client, lab)
                #expect(try await client.uploadLogs(id, token: token, lines: (0..<10).map(Self.line), index: 0).status == .ok)
                let files = try #require(try await server.job(id)).logKey
                try await Self.interruptedMove(server, id, copied: 10, extra: "{}")
                // Read with the job's row before the switch; the sender believes 15 lines are stored.
                let outcome = try await server.server.logs.append(files, index: 15, lines: ["- x", "- y"], by: .worker)
                #expect(outcome == AppendOutcome(firstLine: 10, appended: 2))
                let want = (0..<10).map { "- " + Self.line($0) } + ["- x", "- y"]
                for store in LogStoreKind.allCases {
                    let key = JobLogKey(id: id, submitTime: files.submitTime, store: store)
                    #expect(try await server.server.logs.lines(key, start: 0, count: 100) == want, "\(store)")
                }
            }
        }
    }

    @Test("the command line: logs export writes output.yaml as the REST API sends it; logs migrate --to moves and says so, and leaves a log it cannot find where it is; bad input is refused", arguments: Backend.all)
    func commandLine(_ backend: Backend) async throws {
        try await withScratch(backend) { scratch in
            let storage = ["--data-dir", scratch.directory.path, "--database", scratch.location.description,
                           "--config-dir", scratch.directory.appendingPathComponent("etc").path]
            let (id, queued, expected) = try await withServer(on: scratch, configure: { $0.logStore = .files }) { server in
                let lab = try await Lab.make(server)
                return try await server.live { client in
                    let (id, token) = try await server.startJob(client, lab)
                    _ = try await client.uploadLogs(id, token: token, lines: (0..<30).map(Self.line), index: 0)
                    let queued = try #require((try await client.submit(dockerJob(), token: lab.userToken).json()["job_ids"] as? [Int])?.first)
                    return (id, queued, try await client.rest(.get, "/api/v0.2/jobs/\(id)/logs/", token: nil).text)
                }
            }
            let output = scratch.directory.appendingPathComponent("output.yaml")
            let exported = try await ServerProcess.run(["logs", "export", String(id), "--output", output.path] + storage)
            #expect(exported.status == 0, "\(exported.error)")
            #expect(try String(contentsOf: output, encoding: .utf8) == expected)
            let none = scratch.directory.appendingPathComponent("none.yaml")
            let empty = try await ServerProcess.run(["logs", "export", String(queued), "--output", none.path] + storage)
            #expect(empty.status == 1 && empty.error == "job \(queued) has no log yet\n", "\(empty)")
            #expect(!FileManager.default.fileExists(atPath: none.path), "no file for no log")

            // Run where the logs' data directory is not (a new host, an emptied volume): the job
            // that ran is left on files; the queued one, which has no log yet, moves.
            let elsewhere = ["--data-dir", scratch.directory.appendingPathComponent("elsewhere").path, "--database", scratch.location.description,
                             "--config-dir", scratch.directory.appendingPathComponent("etc").path]
            let blind = try await ServerProcess.run(["logs", "migrate", "--to", "database"] + elsewhere)
            #expect(blind.output == """
                job \(id): no log here; left as it is (run this where its data directory is)
                job \(queued): 0 lines, 0 files
                1 jobs' logs moved to database; 1 not found here

                """, "\(blind.error)")
            #expect(try await ServerProcess.run(["logs", "export", String(id)] + elsewhere).status == 1, "still in the files it was written to")

            let migrated = try await ServerProcess.run(["logs", "migrate", "--to", "database"] + storage)
            #expect(migrated.status == 0, "\(migrated.error)")
            #expect(migrated.output == "job \(id): 30 lines, 0 files\n1 jobs' logs moved to database\n")
            let again = try await ServerProcess.run(["logs", "export", String(id)] + storage)
            #expect(again.output == expected, "the same log, now from the database")

            let bad = try await ServerProcess.run(["logs", "migrate", "--to", "cloud"] + storage)
            #expect(bad.status != 0 && bad.error.contains("--to must be files or database, not 'cloud'"), "\(bad.error)")
            let unknown = try await ServerProcess.run(["logs", "export", "9999"] + storage)
            #expect(unknown.status != 0 && unknown.error.contains("Unknown job '9999'"), "\(unknown.error)")
        }
    }
}
