import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LavaCore
@testable import LavaServer
import Testing

@Suite struct SchedulerTests {
    func submit(_ client: any TestClientProtocol, _ lab: Lab, _ definition: String) async throws -> Int {
        let response = try await client.submit(definition, token: lab.userToken)
        #expect(response.status == .created, "\(response.text)")
        return try #require((try response.json()["job_ids"] as? [Int])?.first)
    }

    @Test("priority first, then submit order; only devices of the requested type", arguments: Backend.all)
    func orderAndDeviceType(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server, devices: ["docker-01"])
            try await server.inventory.addDeviceType("qemu")
            try await server.inventory.addDevice(name: "qemu-01", type: "qemu", worker: "w1")
            try await server.live { client in
                _ = try await client.ping("w1", token: lab.workerToken, version: "2026.11")
                let low = try await submit(client, lab, dockerJob(name: "low", priority: "low"))
                let mediumFirst = try await submit(client, lab, dockerJob(name: "m1"))
                let mediumSecond = try await submit(client, lab, dockerJob(name: "m2"))
                let high = try await submit(client, lab, dockerJob(name: "high", priority: "high"))
                let qemu = try await submit(client, lab, dockerJob(name: "q", deviceType: "qemu"))

                var summary = try await server.schedule()
                #expect(Set(summary.jobsAssigned) == [high, qemu])
                #expect(try await server.job(high)?.device == "docker-01")
                #expect(try await server.job(qemu)?.device == "qemu-01")
                #expect(try await server.job(mediumFirst)?.state == .submitted)

                for (next, previous) in [(mediumFirst, high), (mediumSecond, mediumFirst), (low, mediumSecond)] {
                    let token = try #require(try await server.job(previous)?.token)
                    _ = try await client.postForm("/scheduler/internal/v1/jobs/\(previous)/", token: token,
                                                  [("state", "FINISHED"), ("result", "pass")])
                    summary = try await server.schedule()
                    #expect(summary.jobsAssigned == [next])
                }
            }
        }
    }

    @Test("no job goes to an offline, mismatched or maintenance worker", arguments: Backend.all)
    func onlyUsableWorkers(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let id = try await submit(client, lab, dockerJob())
                #expect(try await server.schedule().jobsAssigned.isEmpty, "the worker never pinged: offline")
                #expect(try await client.ping("w1", token: lab.workerToken, version: "2026.10").status == .conflict)
                #expect(try await server.schedule().jobsAssigned.isEmpty, "mismatched worker")
                _ = try await client.ping("w1", token: lab.workerToken, version: "2026.11")
                try await server.inventory.setWorkerHealth("w1", .maintenance)
                #expect(try await server.schedule().jobsAssigned.isEmpty, "worker in maintenance")
                try await server.inventory.setWorkerHealth("w1", .active)
                #expect(try await server.schedule().jobsAssigned == [id])
            }
        }
    }

    @Test("a silent worker goes offline; its job ends Incomplete after the grace period", arguments: Backend.all)
    func staleWorkerJobEndsIncomplete(_ backend: Backend) async throws {
        try await withServer(backend, configure: { $0.offlineAfter = 1; $0.offlineJobGrace = 2 }) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let (id, _) = try await server.startJob(client, lab)
                #expect(try await server.job(id)?.state == .running)

                server.clock.advance(by: 1.5)
                let offline = try await server.schedule()
                #expect(offline.workersOffline == ["w1"])
                #expect(offline.jobsEnded.isEmpty, "still within the grace period")

                server.clock.advance(by: 1)
                #expect(try await server.schedule().jobsEnded == [id])
                let job = try #require(try await server.job(id))
                #expect(job.state == .finished)
                #expect(job.health == .incomplete)
                #expect(job.failureComment.contains("Worker 'w1' was last heard from"))
                let device = try await server.server.database.read { try await DeviceStore.find($0, name: "docker-01") }
                #expect(device?.state == .idle)
                #expect(device?.health == .unknown)
            }
        }
    }

    @Test("a stale worker draining its job keeps it: mismatched pings count as contact", arguments: Backend.all)
    func drainingWorkerKeepsJob(_ backend: Backend) async throws {
        try await withServer(backend, configure: { $0.offlineAfter = 1; $0.offlineJobGrace = 2 }) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let (id, _) = try await server.startJob(client, lab)
                for _ in 0..<3 {
                    server.clock.advance(by: 1)
                    #expect(try await client.ping("w1", token: lab.workerToken, version: "2026.10").status == .ok)
                    #expect(try await server.schedule().jobsEnded.isEmpty)
                }
                #expect(try await server.job(id)?.state == .running)
            }
        }
    }

    @Test("a job past its own timeout and the margin ends Incomplete, not before", arguments: Backend.all)
    func jobTimeout(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let (id, _) = try await server.startJob(client, lab, definition: dockerJob(timeoutMinutes: 10))
                // The worker keeps pinging; only the job's own 600 s plus the 120 s margin count.
                for _ in 0..<35 {
                    server.clock.advance(by: 20)
                    _ = try await client.ping("w1", token: lab.workerToken, version: "2026.11")
                    #expect(try await server.schedule().jobsEnded.isEmpty)
                }
                server.clock.advance(by: 21)
                _ = try await client.ping("w1", token: lab.workerToken, version: "2026.11")
                #expect(try await server.schedule().jobsEnded == [id])
                let job = try #require(try await server.job(id))
                #expect(job.health == .incomplete)
                #expect(job.failureComment.contains("Job timeout of 600 s exceeded"))
            }
        }
    }

    @Test("two schedulers and their servers on one PostgreSQL never assign a device twice")
    func concurrentSchedulersOnPostgres() async throws {
        guard Backend.all.contains(.postgres) else { return }
        try await withInstances(.postgres) { first, second in
            let devices = (0..<8).map { "docker-\($0)" }
            let lab = try await Lab.make(first, devices: devices)
            try await first.live { client in
                _ = try await client.ping("w1", token: lab.workerToken, version: "2026.11")
                for n in 0..<40 {
                    _ = try await submit(client, lab, dockerJob(name: "job-\(n)"))
                }
            }
            let assigned = try await withThrowingTaskGroup(of: [Int].self) { group in
                for server in [first, second, first, second] {
                    group.addTask { try await server.schedule().jobsAssigned }
                }
                return try await group.reduce(into: [Int]()) { $0 += $1 }
            }
            #expect(assigned.count == devices.count)
            #expect(Set(assigned).count == assigned.count)
            let active = try await first.server.database.read { try await JobStore.active($0) }
            #expect(active.count == devices.count)
            #expect(Set(active.compactMap(\.device)).count == devices.count)
        }
    }
}
