import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LavaCore
@testable import LavaServer
import Testing

@Suite struct VersionEnforcementTests {
    @Test("match, mismatch while running, mismatch idle (409), match again", arguments: Backend.all)
    func versionMatrix(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                var response = try await client.ping("w1", token: lab.workerToken, version: "2026.11")
                #expect(response.status == .ok)
                #expect(try response.decode(PingResponse.self) == PingResponse())
                #expect(try await server.worker("w1")?.state == .online)

                let submitted = try await client.submit(dockerJob(), token: lab.userToken)
                #expect(submitted.status == .created)
                let id = try #require((try submitted.json()["job_ids"] as? [Int])?.first)
                #expect(try await server.schedule().jobsAssigned == [id])
                let token = try #require(try await server.job(id)?.token)

                response = try await client.ping("w1", token: lab.workerToken, version: "2026.11")
                #expect(try response.decode(PingResponse.self) == PingResponse(start: [JobTicket(id: id, token: token)]))
                response = try await client.postForm("/scheduler/internal/v1/jobs/\(id)/", token: token, [("state", "RUNNING")])
                #expect(response.status == .ok)
                #expect(response.text == "{}")

                // The server moved on: the stale worker keeps its running job and gets nothing new.
                response = try await client.ping("w1", token: lab.workerToken, version: "2026.10")
                #expect(response.status == .ok)
                #expect(try response.decode(PingResponse.self) == PingResponse(running: [JobTicket(id: id, token: token)]))
                let stale = try #require(try await server.worker("w1"))
                #expect(stale.state == .offline)
                #expect(stale.version == "2026.10")

                response = try await client.postForm("/scheduler/internal/v1/jobs/\(id)/", token: token,
                                                     [("state", "FINISHED"), ("result", "pass"), ("error_type", ""), ("errors", ""), ("description", "")])
                #expect(response.status == .ok)
                #expect(try await server.job(id)?.health == .complete)

                response = try await client.ping("w1", token: lab.workerToken, version: "2026.10")
                #expect(response.status == .conflict)
                #expect(response.text == #"{"error":"Version mismatch '2026.10' vs '2026.11'"}"#)
                #expect(try await server.worker("w1")?.state == .offline)

                response = try await client.ping("w1", token: lab.workerToken, version: "2026.11")
                #expect(response.status == .ok)
                #expect(try await server.worker("w1")?.state == .online)
            }
        }
    }

    @Test("a stale worker's scheduled job is not started and does not hold off the 409", arguments: Backend.all)
    func staleWorkerGetsNoStart(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                _ = try await client.ping("w1", token: lab.workerToken, version: "2026.11")
                let submitted = try await client.submit(dockerJob(), token: lab.userToken)
                let id = try #require((try submitted.json()["job_ids"] as? [Int])?.first)
                #expect(try await server.schedule().jobsAssigned == [id])
                let response = try await client.ping("w1", token: lab.workerToken, version: "2026.10")
                #expect(response.status == .conflict)
                #expect(try await server.job(id)?.state == .scheduled)
            }
        }
    }

    @Test("the server restarts at a new version: the old worker is refused, the new one accepted", arguments: Backend.all)
    func upgradeAcrossRestart(_ backend: Backend) async throws {
        try await withScratch(backend) { scratch in
            let lab = try await withServer(on: scratch, version: "2026.11") { before in
                let lab = try await Lab.make(before)
                let first = try await before.live { try await $0.ping("w1", token: lab.workerToken, version: "2026.11") }
                #expect(first.status == .ok)
                return lab
            }

            try await withServer(on: scratch, version: "2026.12") { after in
                let version = try await after.live { try await $0.rest(.get, "/api/v0.2/system/version/", token: nil) }
                #expect(version.text == #"{"version":"2026.12"}"#)
                let old = try await after.live { try await $0.ping("w1", token: lab.workerToken, version: "2026.11") }
                #expect(old.status == .conflict)
                #expect(old.text == #"{"error":"Version mismatch '2026.11' vs '2026.12'"}"#)
                let new = try await after.live { try await $0.ping("w1", token: lab.workerToken, version: "2026.12") }
                #expect(new.status == .ok)
                #expect(try await after.worker("w1")?.state == .online)
            }
        }
    }

    @Test("an admin's accept list lets a listed older worker in and shows it per worker", arguments: Backend.all)
    func versionPolicyAcceptList(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.inventory.setVersionPolicy(try VersionPolicy(parsing: "2026.10"))
            try await server.live { client in
                #expect(try await client.ping("w1", token: lab.workerToken, version: "2026.10").status == .ok)
                #expect(try await server.worker("w1")?.state == .online)
                let listed = try await client.rest(.get, "/api/v0.2/workers/w1/", token: nil).json()
                #expect(listed["version"] as? String == "2026.10")
                #expect(listed["version_match"] as? Bool == true)
                #expect(try await client.ping("w1", token: lab.workerToken, version: "2026.09").status == .conflict)
                let refused = try await client.rest(.get, "/api/v0.2/workers/", token: nil).json()
                let results = try #require(refused["results"] as? [[String: Any]])
                #expect(results.first?["version_match"] as? Bool == false)
                #expect(results.first?["state"] as? String == "Offline")
                // The accept list is published for supervisors (LAVA's answer otherwise, above).
                let version = try await client.rest(.get, "/api/v0.2/system/version/", token: nil)
                #expect(version.text == #"{"accepted_worker_versions":["2026.10"],"version":"2026.11"}"#)
            }
        }
    }

    @Test("a mismatching ping does not refresh last_ping")
    func mismatchKeepsLastPing() {
        let worker = WorkerRecord(name: "w", tokenHash: "", description: "", state: .online, health: .active,
                                  version: "1", lastPing: 100, lastContact: 100, jobLimit: 0)
        let stale = InternalAPI.afterPing(worker, version: "0", accepted: false, now: 200)
        #expect(stale.lastPing == 100)
        #expect(stale.lastContact == 200)
        #expect(stale.state == .offline)
        let fresh = InternalAPI.afterPing(worker, version: "1", accepted: true, now: 105)
        #expect(fresh.lastPing == 105)
        #expect(fresh.state == .online)
    }
}

@Suite struct PingLedgerTests {
    @Test("steady pings are written in one batch; a mismatch keeps the last accepted time", arguments: Backend.all)
    func ledger(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                #expect(try await client.ping("w1", token: lab.workerToken, version: "2026.11").status == .ok)
                let online = try #require(try await server.worker("w1"))
                #expect(online.state == .online, "a state change is written at once")
                server.clock.advance(by: 20)
                #expect(try await client.ping("w1", token: lab.workerToken, version: "2026.11").status == .ok)
                let pending = try #require(try await server.worker("w1"))
                #expect(pending.lastPing == online.lastPing, "a ping that changes only the time waits for the flush")
                try await server.server.pings.flush(to: server.server.database)
                let flushed = try #require(try await server.worker("w1"))
                #expect(flushed.lastPing == (online.lastPing ?? 0) + 20)
                #expect(flushed.lastContact == flushed.lastPing)

                server.clock.advance(by: 5)
                #expect(try await client.ping("w1", token: lab.workerToken, version: "2026.10").status == .conflict)
                let stale = try #require(try await server.worker("w1"))
                #expect(stale.state == .offline)
                #expect(stale.lastPing == flushed.lastPing)
                #expect(stale.lastContact == (flushed.lastContact ?? 0) + 5)
            }
        }
    }
}
