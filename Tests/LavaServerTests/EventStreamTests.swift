import Foundation
import LavaTestSupport
import HTTPTypes
import HummingbirdTesting
@testable import LavaServer
import NIOPosix
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

/// Who gets a private job's events, and who is refused.
@Suite struct EventAudienceTests {
    @Test("a personal job's events reach its submitter, and its worker once it has it, never an anonymous listener", arguments: Backend.all)
    func privateJobs(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let port = try #require(client.port)
                let anonymous = try await EventClient.connect(port: port, server: server.server, listeners: 1)
                defer { anonymous.stop() }
                let workerHeaders: HTTPFields = [EventListener.hostHeader: lab.worker, InternalAPI.tokenHeader: lab.workerToken]
                let worker = try await EventClient.connect(port: port, headers: workerHeaders, server: server.server, listeners: 2)
                defer { worker.stop() }
                let basic = Data("alice:\(lab.userToken)".utf8).base64EncodedString()
                let alice = try await EventClient.connect(port: port, headers: [.authorization: "Basic \(basic)"], server: server.server, listeners: 3)
                defer { alice.stop() }

                let personal = dockerJob().replacingOccurrences(of: "visibility: public", with: "visibility: personal")
                let (id, token) = try await server.startJob(client, lab, definition: personal)
                let finished = try await client.postForm("/scheduler/internal/v1/jobs/\(id)/", token: token, [("state", "FINISHED"), ("result", "pass")])
                #expect(finished.status == .ok)
                // Then a public job: what the anonymous listener gets next shows it missed nothing else.
                let (next, _) = try await server.startJob(client, lab, running: false)

                let whole = ["worker Online", "testjob Submitted", "testjob Scheduled", "device Reserved", "testjob Running", "device Running", "testjob Finished", "device Idle"]
                let seenByAlice = try await alice.next(whole.count + 3)
                #expect(seenByAlice.map(\.summary) == whole + ["testjob Submitted", "testjob Scheduled", "device Reserved"])
                #expect(seenByAlice[1].job == id && seenByAlice[8].job == next)
                // The worker's listener is told of the job from its scheduling on, as LAVA's
                // lava-worker needs; its submission concerns no worker yet.
                let seenByWorker = try await worker.next(whole.count - 1 + 3)
                #expect(seenByWorker.map(\.summary) == whole.filter { $0 != "testjob Submitted" } + ["testjob Submitted", "testjob Scheduled", "device Reserved"])
                #expect(seenByWorker[1].job == id && seenByWorker[1].worker == lab.worker)
                let seenByAnyone = try await anonymous.next(6)
                #expect(seenByAnyone.map(\.summary) == ["worker Online", "device Reserved", "device Running", "device Idle", "testjob Submitted", "testjob Scheduled"])
                #expect(seenByAnyone[4].job == next)
            }
        }
    }

    @Test("bad credentials get LAVA's one error frame, then the connection ends")
    func refusals() async throws {
        try await withServer(.sqlite) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let port = try #require(client.port)
                let refusals: [(HTTPFields, String)] = [
                    ([EventListener.hostHeader: "nobody", InternalAPI.tokenHeader: lab.workerToken], "Unknown worker"),
                    ([EventListener.hostHeader: lab.worker, InternalAPI.tokenHeader: "wrong"], "Invalid worker token"),
                    ([EventListener.hostHeader: lab.worker], "Invalid worker token"),
                    ([.authorization: "Token wrong"], "Invalid user or token"),
                    ([.authorization: "Basic " + Data("alice:wrong".utf8).base64EncodedString()], "Invalid user or token"),
                    ([.authorization: "Bearer x"], "Invalid authorization: send 'Basic base64(user:token)'"),
                ]
                for (headers, message) in refusals {
                    let refusal = try await RawWebSocket.refusal(port: port, headers: headers)
                    #expect(refusal.texts == [#"{"error": "\#(message)"}"#], "\(headers)")
                    #expect(refusal.status == "HTTP/1.1 101 Switching Protocols" && refusal.closeCode == 1008, "\(headers)")
                    #expect(refusal.closedByServer, "the server kept the refused connection: \(headers)")
                }
                #expect(server.server.events.listenerCount == 0)
            }
        }
    }
}

/// A listener that stops reading costs the others nothing.
@Suite struct SlowListenerTests {
    @Test("a listener that stops reading is dropped and disconnected; one that reads gets every event, in order")
    func dropped() async throws {
        try await withServer(.sqlite, configure: { $0.eventQueueLimit = 8 }) { server in
            try await server.live { client in
                let port = try #require(client.port)
                let reader = try await EventClient.connect(port: port, server: server.server, listeners: 1)
                defer { reader.stop() }
                let stalled = try RawConnection(port: port, readTimeout: 60, receiveBuffer: 4096)
                stalled.send("GET /ws/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                try await within(30, "the stalled client to listen") { await server.server.events.waitForListeners(2) }

                // Large events, one at a time, each published once the reader has the one
                // before: only the client that reads nothing falls behind.
                let padding = String(repeating: "x", count: 60_000)
                var published = 0
                while server.server.events.listenerCount == 2 {
                    try #require(published < 2_000, "the stalled listener was never dropped")
                    published += 1
                    let event = ServerEvent(kind: .event, time: Date().timeIntervalSince1970, username: "lavaserver",
                                            data: ["n": .int(published), "padding": .string(padding)], audience: .everyone)
                    server.server.events.publish([event])
                    let received = try await reader.next(1)
                    #expect(received.first?.data["n"] as? Int == published)
                }
                #expect(published > 8)
                #expect(await stalled.closed(), "the server never closed the stalled connection")
                // The reader goes on receiving.
                server.server.events.publish([ServerEvent(kind: .event, time: 0, username: "lavaserver", data: ["n": .int(0)], audience: .everyone)])
                #expect(try await reader.next(1).first?.data["n"] as? Int == 0)
            }
        }
    }

    @Test("events published faster than a listener's event loop runs drop it past the queue limit, instead of piling up")
    func flooded() async throws {
        let limit = 8
        try await withServer(.sqlite, configure: { $0.eventQueueLimit = limit }) { server in
            try await server.live { client in
                // Upgraded, so its credentials are checked and it listens.
                let listener = try await RawWebSocket.upgrade(port: try #require(client.port))
                // Every event loop held while the events are published: the deliveries wait on
                // the listener's loop as they would behind a flood it cannot keep up with.
                let group = MultiThreadedEventLoopGroup.singleton
                let loops = Array(group.makeIterator())
                let gate = DispatchSemaphore(value: 0)
                for loop in loops { loop.execute { gate.wait() } }
                let published = 3 * limit
                for n in 1...published {
                    server.server.events.publish([ServerEvent(kind: .event, time: 0, username: "lavaserver", data: ["n": .int(n)], audience: .everyone)])
                }
                for _ in loops { gate.signal() }

                let ending = await RawWebSocket.untilClosed(listener)
                #expect(ending.status == "HTTP/1.1 101 Switching Protocols")
                #expect(ending.closeCode == 1008 && ending.closeReason == "too slow: more than \(limit) events behind", "\(ending)")
                #expect((limit...limit + 1).contains(ending.texts.count), "\(ending.texts.count) of \(published) events sent before the drop")
                #expect(server.server.events.listenerCount == 0)
            }
        }
    }
}
