import Foundation
import LavaCore
@testable import LavaServer
import Testing

/// Both log stores through the one protocol, on both databases: what is appended reads back
/// line for line in any range, whatever the batches; a batch sent twice is stored once; the
/// files beside a log.
@Suite struct JobLogStoreTests {
    /// A job of the lab whose log goes to `store`, and the server's logs.
    static func withJob(_ backend: Backend, _ store: LogStoreKind, _ body: (any JobLogStore, JobLogKey) async throws -> Void) async throws {
        try await withServer(backend, configure: { $0.logStore = store }) { server in
            _ = try await Lab.make(server)
            let admin = UserRecord(name: "admin", isAdmin: true)
            guard case .success(let id) = try await JobSubmission(server: server.server).submit(dockerJob(), by: admin) else {
                throw ServerSetupError("the job was refused")
            }
            let job = try #require(try await server.job(id))
            #expect(job.logStore == store)
            try await body(server.server.logs, job.logKey)
        }
    }

    static func line(_ n: Int) -> String { "- {\"lvl\": \"target\", \"msg\": \"line \(n) \(String(repeating: "x", count: n % 97))\"}" }

    @Test("batches of every size read back in any range, counted in bytes exactly; nothing before the first batch", arguments: Backend.all, LogStoreKind.allCases)
    func ranges(_ backend: Backend, _ store: LogStoreKind) async throws {
        try await Self.withJob(backend, store) { logs, job in
            #expect(try await logs.count(job) == nil)
            #expect(try await logs.text(job) == "")
            // Batches of 1, 2, 3, … lines: 1,275 lines in 50 batches.
            var sent: [String] = []
            for size in 1...50 {
                let batch = (sent.count..<sent.count + size).map(Self.line)
                #expect(try await logs.append(job, index: sent.count, lines: batch, by: .copy) == AppendOutcome(firstLine: sent.count, appended: size))
                sent += batch
            }
            #expect(try await logs.count(job) == sent.count)
            for range in [0..<sent.count, 0..<1, 5..<6, 3..<700, 1000..<1275, 1274..<1275, 600..<5000, 1275..<1300, 7..<7] {
                let expected = sent[min(range.lowerBound, sent.count)..<min(range.upperBound, sent.count)].map { $0 + "\n" }.joined()
                var read = ""
                var lines = 0
                try await logs.read(job, lines: range) { bytes, count in
                    #expect(bytes.last == UInt8(ascii: "\n"), "chunks of whole lines")
                    read += String(decoding: bytes, as: UTF8.self)
                    lines += count
                    return true
                }
                #expect(read == expected, "\(range)")
                #expect(lines == expected.filter { $0 == "\n" }.count, "\(range)")
                #expect(try await logs.byteCount(job, lines: range) == expected.utf8.count, "\(range)")
            }
            var calls = 0
            try await logs.read(job, lines: 0..<sent.count) { _, _ in
                calls += 1
                return false
            }
            #expect(calls == 1, "a reader stops when it says so")
        }
    }

    @Test("a batch sent again, in part or whole, adds only its new lines; a sender ahead loses nothing", arguments: Backend.all, LogStoreKind.allCases)
    func duplicates(_ backend: Backend, _ store: LogStoreKind) async throws {
        try await Self.withJob(backend, store) { logs, job in
            let lines = (0..<10).map(Self.line)
            func send(_ index: Int, _ range: Range<Int>) async throws -> AppendOutcome {
                try await logs.append(job, index: index, lines: Array(lines[range]), by: .copy)
            }
            var outcome = try await send(0, 0..<4)
            #expect(outcome == AppendOutcome(firstLine: 0, appended: 4))
            outcome = try await send(0, 0..<4)
            #expect(outcome == AppendOutcome(firstLine: 0, appended: 0))
            outcome = try await send(2, 2..<7)
            #expect(outcome == AppendOutcome(firstLine: 2, appended: 3))
            let resent = try await logs.lines(job, start: 2, count: 3)
            #expect(resent == Array(lines[2..<5]))
            // Ahead: the server has 7, the sender thinks 9.
            outcome = try await send(9, 7..<10)
            #expect(outcome == AppendOutcome(firstLine: 7, appended: 3))
            #expect(try await logs.text(job) == lines.map { $0 + "\n" }.joined())
        }
    }

    @Test("two senders at once: every line once, in one order", arguments: Backend.all, LogStoreKind.allCases)
    func concurrentSenders(_ backend: Backend, _ store: LogStoreKind) async throws {
        try await Self.withJob(backend, store) { logs, job in
            let lines = (0..<400).map(Self.line)
            // Both send every batch, as two instances behind haproxy would after a retry.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        for start in stride(from: 0, to: lines.count, by: 40) {
                            _ = try await logs.append(job, index: start, lines: Array(lines[start..<start + 40]), by: .copy)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await logs.text(job) == lines.map { $0 + "\n" }.joined())
        }
    }

    @Test("a worker's batch for a job that is not on a worker is refused by the database store, which checks under the job's row lock; a copy is not", arguments: Backend.all)
    func workerBatchOffWorker(_ backend: Backend) async throws {
        try await Self.withJob(backend, .database) { logs, job in
            do {
                _ = try await logs.append(job, index: 0, lines: [Self.line(0)], by: .worker)
                Issue.record("a submitted job's batch from a worker was stored")
            } catch is JobLeftWorker {}
            #expect(try await logs.count(job) == nil, "nothing stored")
            #expect(try await logs.append(job, index: 0, lines: [Self.line(0)], by: .copy) == AppendOutcome(firstLine: 0, appended: 1))
        }
    }

    @Test("the files beside a log: written, replaced, kept byte for byte (a NUL too), and absent until written", arguments: Backend.all, LogStoreKind.allCases)
    func files(_ backend: Backend, _ store: LogStoreKind) async throws {
        try await Self.withJob(backend, store) { logs, job in
            #expect(try await logs.file(job, .description) == nil)
            try await logs.save(job, .description, text: "first")
            try await logs.save(job, .description, text: "second")
            #expect(try await logs.file(job, .description) == "second")
            // A worker's description is kept as sent, even with text PostgreSQL's TEXT refuses.
            let odd = "description: \u{0}é\u{1B}[31m\n"
            try await logs.save(job, .description, text: odd)
            #expect(try await logs.file(job, .description) == odd)
            let extra = JobFile.metadata(try PathComponent("lava-boot-1.yaml"))
            try await logs.mergeExtra(ResultExtra(fileName: "lava-boot-1.yaml", yaml: "a: 1\n"), job: job)
            try await logs.mergeExtra(ResultExtra(fileName: "lava-boot-1.yaml", yaml: "b: 2\n"), job: job)
            #expect(try await logs.file(job, extra) == "a: 1\nb: 2\n")
            #expect(try await logs.file(job, .device) == nil)
        }
    }
}
