import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LavaCore
@testable import LavaServer
import Testing

/// YAML whose aliases stand for billions of nodes is refused before it is expanded: a 400 that
/// names the limit, nothing stored, and the server's time and memory stay bounded.
@Suite(.serialized) struct YAMLBombTests {
    /// Nine levels of nine aliases each: 9^9 (387 million) strings from a few hundred bytes.
    static let laughs = """
        a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
        e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
        f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
        g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
        h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
        i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
        """

    static let bombJob = """
        device_type: docker
        job_name: laughs
        visibility: public
        timeouts: {job: {minutes: 10}}
        \(laughs)
        actions:
        - deploy: {to: docker, image: debian:bookworm-slim, laughs: *i}
        """

    /// The same bomb on one log line, as the `extra` data of a result.
    static let bombResult = #"{"lvl": "results", "msg": {"definition": "lava", "case": "c", "level": "1", "result": "pass", "extra": {"#
        + #""a": &a [1, 1, 1, 1, 1, 1, 1, 1, 1], "b": &b [*a, *a, *a, *a, *a, *a, *a, *a, *a], "c": &c [*b, *b, *b, *b, *b, *b, *b, *b, *b], "#
        + #""d": &d [*c, *c, *c, *c, *c, *c, *c, *c, *c], "e": &e [*d, *d, *d, *d, *d, *d, *d, *d, *d], "f": &f [*e, *e, *e, *e, *e, *e, *e, *e, *e], "#
        + #""g": &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]}}}"#

    /// The peak resident size of this process (the server runs in it), in bytes.
    static func peakMemory() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        let kilobytes = try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
        return kilobytes * 1024
    }

    /// Runs `body` and checks it took under 5 s and raised the peak memory by under 200 MB:
    /// generous bounds, far below the 40 s and 2 GB an expanded bomb costs. Not beside another
    /// test's large allocation (`MemoryTurns`).
    static func bounded<R: Sendable>(_ body: () async throws -> R, sourceLocation: SourceLocation = #_sourceLocation) async throws -> R {
        try await MemoryTurns.lock.withLock {
            let before = try peakMemory()
            let start = ContinuousClock.now
            let result = try await body()
            let elapsed = ContinuousClock.now - start
            let growth = try peakMemory() - before
            #expect(elapsed < .seconds(5), "took \(elapsed)", sourceLocation: sourceLocation)
            #expect(growth < 200 * 1024 * 1024, "peak memory grew by \(growth / 1024 / 1024) MB", sourceLocation: sourceLocation)
            return result
        }
    }

    @Test("a billion-laughs job definition is refused with the limit and stores no job")
    func jobDefinition() async throws {
        try await withServer(.sqlite) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let response = try await Self.bounded { try await client.submit(Self.bombJob, token: lab.userToken) }
                #expect(response.status == .badRequest)
                #expect(response.text.contains("aliases expand to more than 100000 nodes"), "\(response.text)")
                let jobs = try await client.rest(.get, "/api/v0.2/jobs/", token: lab.userToken).json()
                #expect(jobs["count"] as? Int == 0)
                #expect(try await client.executeRequest(uri: "/health", method: .get, headers: [:], body: nil).status == .ok)

                let anchored = """
                    device_type: docker
                    job_name: anchored
                    visibility: public
                    timeouts: {job: &ten {minutes: 10}, action: *ten}
                    actions:
                    - deploy: {to: docker, image: &image debian:bookworm-slim}
                    - boot: {method: docker, command: bash, prompts: ['root@lava:']}
                    """
                let accepted = try await client.submit(anchored, token: lab.userToken)
                #expect(accepted.status == .created, "a few aliases are fine: \(accepted.text)")
            }
        }
    }

    @Test("a log batch with an alias bomb in a result's extra stores no line, test case or metadata")
    func logBatch() async throws {
        try await withServer(.sqlite) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let (id, token) = try await server.startJob(client, lab)
                let ok = #"{"dt": "2026-11-24T22:46:13.2", "lvl": "info", "msg": "before"}"#
                let response = try await Self.bounded {
                    try await client.uploadLogs(id, token: token, lines: [ok, Self.bombResult], index: 0)
                }
                #expect(response.status == .badRequest)
                #expect(response.text.contains("aliases expand to more than 100 nodes"), "\(response.text)")

                let job = try #require(try await server.job(id))
                #expect(try await server.server.logs.lineCount(job.logKey) == 0)
                let tests = try await client.rest(.get, "/api/v0.2/jobs/\(id)/tests/", token: nil).json()
                #expect(tests["count"] as? Int == 0)
                #expect(try await server.server.logs.file(job.logKey, .metadata(try PathComponent("lava-c-1.yaml"))) == nil)
                #expect(try await client.executeRequest(uri: "/health", method: .get, headers: [:], body: nil).status == .ok)

                let anchored = #"{"lvl": "results", "msg": {"definition": "lava", "case": "c", "level": "1", "result": "pass", "#
                    + #""extra": {"image": &image "debian", "again": *image}}}"#
                #expect(try await client.uploadLogs(id, token: token, lines: [ok, anchored], index: 0).status == .ok)
                #expect(try await server.server.logs.file(job.logKey, .metadata(try PathComponent("lava-c-1.yaml"))) == "again: debian\nimage: debian\n")
            }
        }
    }
}
