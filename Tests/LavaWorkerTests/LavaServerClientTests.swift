import Foundation
import LavaClient
import LavaCore
import LavaServer
import LavaWorker
import Testing

/// The worker's protocol client, through libcurl, against a real lava-server on loopback.
@Suite struct LavaServerClientTests {
    static let job = """
        device_type: docker
        job_name: client test
        visibility: public
        timeouts: {job: {minutes: 5}}
        actions:
        - deploy: {to: docker, image: debian}
        """

    @Test("register, ping, fetch, report, upload logs and finish, as LAVA's worker does")
    func jobLifecycle() async throws {
        try await LiveServer.run { live in
            let client = try LavaServerClient(url: live.url, agent: "lava-worker", version: "2026.11")
            #expect(try await client.serverVersion().version == "2026.11")
            let token = try await client.register(name: "lab-1")
            #expect(token.count == 32)
            #expect(await client.ping(name: "lab-1", token: token) == .jobs(PingResponse()))
            await #expect(throws: WorkerAPIError(status: 403, message: "Worker 'lab-1' already registered", transport: false)) {
                _ = try await client.register(name: "lab-1")
            }

            let user = try await live.inventory.addUser("alice", isAdmin: false)
            try await live.inventory.addDeviceType("docker")
            try await live.inventory.addDevice(name: "docker-01", type: "docker", worker: "lab-1")
            let id = try await live.submit(Self.job, userToken: user)
            try await live.schedule()

            guard case .jobs(let jobs) = await client.ping(name: "lab-1", token: token), let ticket = jobs.start.first else {
                Issue.record("the ping did not hand out the job")
                return
            }
            #expect(ticket.id == id)
            let fetched = try await client.fetchJob(id: id, token: ticket.token)
            #expect(fetched.definition == Self.job)
            try await client.reportRunning(id: id, token: ticket.token)
            #expect(await client.ping(name: "lab-1", token: token) == .jobs(PingResponse(running: [ticket])))

            let records = (0..<3).map { #"{"dt": "2026-11-25T10:00:00", "lvl": "target", "msg": "line \#($0) with spaces & symbols +%="}"# }
            #expect(await client.uploadLogs(id: id, token: ticket.token, records: records, index: 0) == .stored(lineCount: 3))
            #expect(await client.uploadLogs(id: id, token: ticket.token, records: records, index: 0) == .stored(lineCount: 3))
            #expect(await client.uploadLogs(id: id, token: "wrong", records: records, index: 3)
                    == .failed(WorkerAPIError(status: 400, message: "Invalid 'token'", transport: false)))

            #expect(try await client.reportFinished(id: id, token: ticket.token, FinishedReport(passed: true)))
            #expect(await client.ping(name: "lab-1", token: token) == .jobs(PingResponse()))
        }
    }

    @Test("a stale worker hears 409 with the server's text; a job the server forgot is told apart")
    func mismatchAndUnknownJob() async throws {
        try await LiveServer.run(version: "2026.12") { live in
            let client = try LavaServerClient(url: live.url, agent: "lava-worker", version: "2026.11")
            let token = try await live.inventory.addWorker("lab-1")
            #expect(await client.ping(name: "lab-1", token: token) == .versionMismatch("Version mismatch '2026.11' vs '2026.12'"))
            #expect(await client.ping(name: "lab-1", token: "wrong") == .failed(WorkerAPIError(status: 400, message: "Invalid 'token'", transport: false)))
            #expect(await client.uploadLogs(id: 4242, token: "x", records: [#"{"lvl": "info", "msg": "x"}"#], index: 0) == .unknownJob)
            #expect(try await client.reportFinished(id: 4242, token: "x", FinishedReport(passed: false)) == false)
        }
    }

    @Test("no server: a transport failure, reported as LAVA's synthetic 503; a bad URL is refused")
    func unreachable() async throws {
        let client = try LavaServerClient(url: "http://127.0.0.1:1/", agent: "lava-worker")
        guard case .failed(let error) = await client.ping(name: "w", token: "t") else {
            Issue.record("a ping to a closed port cannot succeed")
            return
        }
        #expect(error.transport)
        #expect(error.status == 503)
        #expect(error.isTransient)
        #expect { try LavaServerClient(url: "ftp://lava", agent: "lava-worker") } throws: { error in
            (error as? WorkerAPIError)?.isTransient == false
        }
    }
}
