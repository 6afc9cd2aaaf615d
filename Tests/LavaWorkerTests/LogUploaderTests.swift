import Foundation
import LavaClient
import LavaCore
import LavaDispatcher
import LavaServer
import LavaWorker
import LavaTestSupport
import Testing

/// lava-run's log sender against a real server: every line stored once, in order, through
/// resends, oversized batches and a server restart.
@Suite struct LogUploaderTests {
    static let job = LavaServerClientTests.job

    static func record(_ n: Int) -> String {
        LogLine(dt: Date(timeIntervalSince1970: 1_795_600_000), level: "target", message: "tick \(n)").encoded()
    }

    static func expectTicks(_ stored: [String], count: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(stored.count == count, sourceLocation: sourceLocation)
        for (n, line) in stored.enumerated() where !line.hasSuffix(#""msg": "tick \#(n)"}"#) {
            Issue.record("line \(n) is \(line)", sourceLocation: sourceLocation)
            return
        }
    }

    @Test("10,000 lines in 1000-line batches arrive once each, in order")
    func manyLines() async throws {
        try await LiveServer.run { live in
            let (id, token) = try await live.scheduledJob(Self.job)
            let client = try LavaServerClient(url: live.url, agent: "lava")
            let uploader = LogUploader(client: client, jobID: id, token: token, interval: .milliseconds(50))
            async let outcome = uploader.run()
            for n in 0..<10_000 { uploader.append(Self.record(n)) }
            uploader.close()
            #expect(await outcome == .finished(lines: 10_000))
            Self.expectTicks(try await live.storedLog(id), count: 10_000)
        }
    }

    @Test("413: batches shrink until they fit; a line too large alone becomes a failed log-upload result")
    func oversized() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lava-upload-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await LiveServer.run(directory: directory, port: 0, configure: { $0.maxLogUploadBytes = 40_000 }) { live in
            let (id, token) = try await live.scheduledJob(Self.job)
            let client = try LavaServerClient(url: live.url, agent: "lava")
            let uploader = LogUploader(client: client, jobID: id, token: token, interval: .milliseconds(20), retryPause: .milliseconds(20))
            async let outcome = uploader.run()
            for n in 0..<1500 { uploader.append(Self.record(n)) }
            uploader.append(LogLine(level: "target", message: String(repeating: "x", count: 50_000)).encoded())
            uploader.close()
            #expect(await outcome == .finished(lines: 1501))
            let stored = try await live.storedLog(id)
            Self.expectTicks(Array(stored.prefix(1500)), count: 1500)
            #expect(stored.last?.contains(#""lvl": "results", "msg": {"definition": "lava", "case": "log-upload", "result": "fail"}"#) == true)
        }
    }

    @Test("the server restarts mid-upload: nothing lost, nothing twice")
    func serverRestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lava-upload-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try FreePort.next()
        let url = "http://127.0.0.1:\(port)/"
        let (uploader, upload, id) = try await LiveServer.run(directory: directory, port: port) { live in
            let (id, token) = try await live.scheduledJob(Self.job)
            let client = try LavaServerClient(url: url, agent: "lava")
            let uploader = LogUploader(client: client, jobID: id, token: token, interval: .milliseconds(20), retryPause: .milliseconds(50),
                                       requestTimeout: .seconds(2))
            let upload = Task { await uploader.run() }
            for n in 0..<2000 { uploader.append(Self.record(n)) }
            for _ in 0..<100 where try await live.storedLog(id).count < 1000 {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await live.storedLog(id).count >= 1000, "server A stored lines before it stopped")
            return (uploader, upload, id)
        }
        // Server A is gone; the uploader keeps the lines and retries.
        for n in 2000..<3000 { uploader.append(Self.record(n)) }
        try await Task.sleep(for: .milliseconds(200))
        try await LiveServer.run(directory: directory, port: port) { live in
            uploader.close()
            #expect(await upload.value == .finished(lines: 3000))
            Self.expectTicks(try await live.storedLog(id), count: 3000)
        }
    }

    @Test("a job the server no longer knows ends the upload")
    func deletedJob() async throws {
        try await LiveServer.run { live in
            let client = try LavaServerClient(url: live.url, agent: "lava")
            let uploader = LogUploader(client: client, jobID: 999, token: "x", interval: .milliseconds(20))
            async let outcome = uploader.run()
            uploader.append(Self.record(0))
            #expect(await outcome == .jobDeleted)
        }
    }
}
