import Foundation
import LavaTestSupport
import LavaCore
@testable import LavaServer
import Testing

/// On PostgreSQL every process's events reach every serving instance's listeners (NOTIFY).
@Suite struct EventFanOutTests {
    @Test("events made by a separate `lava-server scheduler` and by an admin command reach a serving instance's listener",
          .enabled(if: Backend.all.contains(.postgres), "needs PostgreSQL (scripts/test.sh starts it; CI always has it)"))
    func otherProcesses() async throws {
        try await withServer(.postgres) { server in
            let lab = try await Lab.make(server)
            guard case .postgres(let url) = server.scratch.location else { throw CaptureError("not on PostgreSQL") }
            let storage = ["--database", url, "--data-dir", server.scratch.directory.path]
            try await server.live { client in
                let events = try await EventClient.connect(port: try #require(client.port), server: server.server)
                defer { events.stop() }
                _ = try await client.ping(lab.worker, token: lab.workerToken, version: server.server.configuration.version)
                #expect(try await events.next(1).map(\.summary) == ["worker Online"])

                // This instance has no scheduler: the job is assigned by another process.
                let scheduler = try ServerProcess.start(["scheduler", "--interval", "0.2"] + storage)
                defer { scheduler.terminate() }
                let submitted = try await client.submit(dockerJob(), token: lab.userToken)
                let id = try #require((try submitted.json()["job_ids"] as? [Int])?.first, "\(submitted.text)")
                let assigned = try await events.next(3)
                #expect(assigned.map(\.summary) == ["testjob Submitted", "testjob Scheduled", "device Reserved"])
                #expect(assigned.allSatisfy { $0.job == id })
                scheduler.terminate()
                scheduler.waitUntilExit()

                let maintenance = try await ServerProcess.run(["workers", "maintenance", lab.worker] + storage)
                #expect(maintenance.status == 0, "\(maintenance.error)")
                let changed = try await events.next(1)
                #expect(changed.map(\.summary) == ["worker Online"] && changed.first?.health == "Maintenance")
            }
        }
    }

    @Test("a NOTIFY payload stays under PostgreSQL's 8000 bytes: a long description is shortened, then left out")
    func payloadLimit() throws {
        func event(description: String) -> ServerEvent {
            ServerEvent(kind: .testjob, time: 0, username: "alice", data: ["job": .int(1), "description": .string(description)], audience: .everyone)
        }
        let smoke = event(description: "smoke")
        let short = try #require(NotifyOutlet.payload(smoke))
        #expect(try JSONDecoder().decode(ServerEvent.self, from: Data(short.utf8)) == smoke)
        // Control characters are escaped six bytes each in JSON: 4,096 of them would be 24 KiB.
        let escaped = try #require(NotifyOutlet.payload(event(description: String(repeating: "\u{1}", count: 4096))))
        #expect(escaped.utf8.count <= NotifyOutlet.payloadLimit)
        let decoded = try JSONDecoder().decode(ServerEvent.self, from: Data(escaped.utf8))
        #expect(decoded.data["description"] == .string(String(repeating: "\u{1}", count: 200)))
        #expect(decoded.data["job"] == .int(1))
    }
}
