import Foundation
import HummingbirdTesting
import LavaCore
import LavaTestSupport
@testable import LavaServer
import Testing

/// Two server instances on one database and one data directory, as behind a load balancer
/// (server/haproxy/haproxy.cfg): whichever instance a request lands on, and however often the
/// balancer sends it again, the outcome is the one a single server gives.
@Suite struct ScaledOutTests {
    @Test("pings landing on either instance: an instance writing its older ping times last does not move them back", arguments: Backend.all)
    func pingTimesOnlyMoveForward(_ backend: Backend) async throws {
        try await withInstances(backend) { first, second in
            let lab = try await Lab.make(first)
            try await first.live { a async throws in
                try await second.live { b async throws in
                    #expect(try await a.ping(lab.worker, token: lab.workerToken, version: "2026.11").status == .ok)
                    // The second instance's clock started a little later; after 20 s on the
                    // first and 21 s on the second, a ping lands on each: the second's is newer.
                    first.clock.advance(by: 20)
                    second.clock.advance(by: 21)
                    #expect(try await a.ping(lab.worker, token: lab.workerToken, version: "2026.11").status == .ok)
                    #expect(try await b.ping(lab.worker, token: lab.workerToken, version: "2026.11").status == .ok)
                }
            }
            try await second.server.pings.flush(to: second.server.database)
            try await first.server.pings.flush(to: first.server.database)
            let worker = try #require(try await first.worker(lab.worker))
            #expect(worker.state == .online)
            #expect(worker.lastPing == second.clock.now)
            #expect(worker.lastContact == second.clock.now)
        }
    }

    @Test("a job fetched, reported and logged through both instances, each request also replayed on the other, is stored once",
          arguments: Backend.all)
    func jobSplitAcrossInstances(_ backend: Backend) async throws {
        try await withInstances(backend) { first, second in
            let lab = try await Lab.make(first)
            let id = try await first.live { a async throws -> Int in
                try await second.live { b async throws -> Int in
                    let (id, token) = try await first.startJob(a, lab, running: false)
                    #expect(try await b.getJob(id, token: token).status == .ok)
                    for client in [a, b] {
                        let running = try await client.postForm("/scheduler/internal/v1/jobs/\(id)/", token: token, [("state", "RUNNING")])
                        #expect(running.status == .ok)
                    }

                    let line = { (n: Int) in LogUploadTests.line(n) }
                    let result = #"{"dt": "2026-11-24T22:46:14.0", "lvl": "results", "msg": {"definition": "0_smoke", "case": "ok", "result": "pass"}}"#
                    // Lines 0-3 through the first instance; its answer was lost, so the worker
                    // sends them again with lines 4-5 to the second.
                    let opening = (0..<3).map(line) + [result]
                    #expect(try await a.uploadLogs(id, token: token, lines: opening, index: 0).status == .ok)
                    #expect(try await b.uploadLogs(id, token: token, lines: opening + [line(4), line(5)], index: 0).status == .ok)
                    // Lines 6-45 in batches, each sent to both instances at once, several times
                    // (a retry racing the original), through the shared lock on the log.
                    for start in stride(from: 6, to: 46, by: 10) {
                        let batch = (start..<start + 10).map(line)
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            for client in [a, b, a, b] {
                                group.addTask {
                                    let response = try await client.uploadLogs(id, token: token, lines: batch, index: start)
                                    #expect(response.status == .ok)
                                }
                            }
                            try await group.waitForAll()
                        }
                    }

                    let finished = try await b.postForm("/scheduler/internal/v1/jobs/\(id)/", token: token, [("state", "FINISHED"), ("result", "pass")])
                    #expect(finished.status == .ok)
                    // The same report replayed on the other instance: the job is over, and LAVA's
                    // worker takes this exact answer as accepted.
                    let replayed = try await a.postForm("/scheduler/internal/v1/jobs/\(id)/", token: token, [("state", "FINISHED"), ("result", "pass")])
                    #expect(replayed.status == .notFound)
                    #expect(replayed.text == #"{"error":"Unknown job '\#(id)'"}"#)
                    let expected = (opening + (4..<46).map(line)).map { "- " + $0 }
                    for client in [a, b] {
                        let log = try await client.rest(.get, "/api/v0.2/jobs/\(id)/logs/", token: nil)
                        #expect(log.text.split(separator: "\n").map(String.init) == expected)
                        let tests = try await client.rest(.get, "/api/v0.2/jobs/\(id)/tests/", token: nil).json()
                        #expect(tests["count"] as? Int == 1)
                    }
                    return id
                }
            }
            let job = try #require(try await second.job(id))
            #expect(job.state == .finished)
            #expect(job.health == .complete)
        }
    }
}

/// The event stream behind server/haproxy/haproxy.cfg, with two instances on one PostgreSQL.
@Suite struct ScaledOutEventTests {
    @Test("through haproxy, LAVA's aiohttp client gets the events of both instances, and a quiet stream outlives haproxy's 15 s server timeout",
          .enabled(if: Backend.all.contains(.postgres), "needs PostgreSQL (scripts/test.sh starts it; CI always has it)"))
    func behindHaproxy() async throws {
        try await withInstances(.postgres) { first, second in
            let lab = try await Lab.make(first)
            // The servers are closed whatever happens: a pool left open traps in its deinit.
            async let outcome: Void = first.live { a async throws in
                try await second.live { b async throws in
                    let files = try TemporaryDirectory()
                    defer { files.remove() }
                    let balancer = try FreePort.next()
                    let haproxy = try await LoadBalancerRetryTests.haproxy(on: balancer, instances: [try #require(a.port), try #require(b.port)], logs: files.url)
                    defer { haproxy.kill() }

                    // LAVA's own client library, through haproxy, which picks the instance.
                    let events = try await AiohttpListener(url: "http://127.0.0.1:\(balancer)/ws/")
                    try await within(30, "either instance to count the listener") {
                        await withTaskGroup(of: Void.self) { group in
                            for server in [first.server, second.server] { group.addTask { await server.events.waitForListeners(1) } }
                            await group.next()
                            group.cancelAll()
                        }
                    }
                    defer { events.stop() }
                    #expect(try await b.ping(lab.worker, token: lab.workerToken, version: "2026.11").status == .ok)
                    #expect(try await events.next(1).map(\.summary) == ["worker Online"])
                    // Quiet for longer than `timeout server`: only `timeout tunnel` may end it.
                    try await Task.sleep(for: .seconds(17))
                    try await first.inventory.setWorkerHealth(lab.worker, .maintenance)
                    let changed = try await events.next(1)
                    #expect(changed.first?.health == "Maintenance", "haproxy's log:\n\(haproxy.log)")
                }
            }
            do {
                try await outcome
            } catch {
                await first.close()
                await second.close()
                throw error
            }
        }
    }
}
