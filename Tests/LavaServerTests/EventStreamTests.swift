import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import LavaServer
import Testing

/// `/ws/`: LAVA's lava-publisher stream, through real WebSocket clients of a real server.
@Suite struct EventStreamTests {
    @Test("a job's events from submission to Finished, with its device's, each parsed as LAVA 2023.01's lava-worker parses it", arguments: Backend.all)
    func jobLife(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let port = try #require(client.port)
                let events = try await EventClient.connect(port: port, server: server.server)
                defer { events.stop() }
                _ = try await client.ping(lab.worker, token: lab.workerToken, version: server.server.configuration.version)
                #expect(try await events.next(1).map(\.summary) == ["worker Online"])

                let (id, token) = try await server.startJob(client, lab)
                let started = try await events.next(5)
                #expect(started.map(\.summary) == ["testjob Submitted", "testjob Scheduled", "device Reserved", "testjob Running", "device Running"])
                let scheduled = started[1]
                #expect(scheduled.topic == "org.lavasoftware.testjob")
                #expect(scheduled.job == id && scheduled.worker == lab.worker && scheduled.health == "Unknown")
                #expect(scheduled.data["device"] as? String == "docker-01")
                #expect(scheduled.data["device_type"] as? String == "docker")
                #expect(scheduled.data["submitter"] as? String == "alice" && scheduled.username == "alice")
                #expect(scheduled.data["health_check"] as? Bool == false)
                #expect(scheduled.data["description"] as? String == "smoke")
                #expect((scheduled.data["submit_time"] as? String)?.hasSuffix("+00:00") == true)
                #expect(UUID(uuidString: scheduled.id) != nil)
                #expect(started[4].job == id && started[4].data["device"] as? String == "docker-01")

                let finished = try await client.postForm("/scheduler/internal/v1/jobs/\(id)/", token: token, [("state", "FINISHED"), ("result", "pass")])
                #expect(finished.status == .ok)
                let ended = try await events.next(2)
                #expect(ended.map(\.summary) == ["testjob Finished", "device Idle"])
                #expect(ended[0].health == "Complete" && ended[0].data["end_time"] != nil && ended[0].data["start_time"] != nil)
                #expect(ended[1].job == nil)
            }
        }
    }

    @Test("a worker of another version goes Offline, and says so on the stream", arguments: Backend.all)
    func versionMismatch(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let events = try await EventClient.connect(port: try #require(client.port), server: server.server)
                defer { events.stop() }
                _ = try await client.ping(lab.worker, token: lab.workerToken, version: server.server.configuration.version)
                let refused = try await client.ping(lab.worker, token: lab.workerToken, version: "2020.01")
                #expect(refused.status == .conflict)
                let received = try await events.next(2)
                #expect(received.map(\.summary) == ["worker Online", "worker Offline"])
                #expect(received[1].data["hostname"] as? String == lab.worker && received[1].health == "Active")
            }
        }
    }

    @Test("GET /ws/v1/healthz answers as lava-publisher's")
    func healthz() async throws {
        try await withServer(.sqlite) { server in
            try await server.live { client in
                let response = try await client.executeRequest(uri: "/ws/v1/healthz", method: .get, headers: [:], body: nil)
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"health":"good"}"#)
            }
        }
    }
}
