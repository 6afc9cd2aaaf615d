@testable import LavaServer
import Testing

/// EventStreamState's transitions, without a connection: what one `/ws/` listener is sent when.
@Suite struct EventStreamStateTests {
    static func event(_ n: Int, audience: EventAudience = .everyone) -> PublishedEvent {
        let event = ServerEvent(kind: .event, time: 0, username: "lavaserver", data: ["n": .int(n)], audience: audience)
        return PublishedEvent(event: event, message: "m\(n)")
    }

    static let privateJob = EventAudience.job(visibility: .personal, submitter: "alice", groups: [], worker: "w1")

    @Test("events published while the credentials are checked are sent once they pass, only those the listener may see")
    func identifying() {
        var state = EventStreamState(queueLimit: 8)
        #expect(state.handle(.published([Self.event(1), Self.event(2, audience: Self.privateJob)], writable: true)) == [])
        #expect(state.handle(.identified(.success(.anonymous))) == [.send(["m1"])])
        #expect(state.handle(.published([Self.event(3)], writable: true)) == [.send(["m3"])])
        #expect(state.handle(.published([Self.event(4, audience: Self.privateJob)], writable: true)) == [])
    }

    @Test("refused credentials: off the bus, one error frame, a close frame (1008), and the client's close ends it")
    func refused() {
        var state = EventStreamState(queueLimit: 8)
        let actions = state.handle(.identified(.failure(EventListener.Refusal(message: "Invalid worker token"))))
        #expect(actions == [.leaveBus, .send([#"{"error": "Invalid worker token"}"#]), .sendClose(.policyViolation, reason: "Invalid worker token")])
        #expect(state.handle(.published([Self.event(1)], writable: true)) == [])
        #expect(state.handle(.receivedClose) == [.closeConnection])
        #expect(state.handle(.receivedPing) == [])
    }

    @Test("an unwritable connection keeps a backlog, sent when it drains; past the limit the listener is dropped at once")
    func backlog() {
        var state = EventStreamState(queueLimit: 3)
        _ = state.handle(.identified(.success(.anonymous)))
        #expect(state.handle(.published([Self.event(1), Self.event(2)], writable: false)) == [])
        // Still behind: a writable moment does not jump the queue.
        #expect(state.handle(.published([Self.event(3)], writable: true)) == [])
        #expect(state.handle(.becameWritable) == [.send(["m1", "m2", "m3"])])
        #expect(state.handle(.becameWritable) == [])

        #expect(state.handle(.published([Self.event(4), Self.event(5), Self.event(6)], writable: false)) == [])
        #expect(state.handle(.published([Self.event(7)], writable: false))
            == [.leaveBus, .logDropped, .sendClose(.policyViolation, reason: "too slow: more than 3 events behind")])
        // The dropped listener's backlog is not sent after its close frame.
        #expect(state.handle(.becameWritable) == [])
        #expect(state.handle(.closeTimedOut) == [.leaveBus, .closeConnection])
        #expect(state.handle(.published([Self.event(8)], writable: true)) == [])
    }

    @Test("a listener that never gets its credentials checked in time is dropped like a slow one")
    func pendingLimit() {
        var state = EventStreamState(queueLimit: 1)
        #expect(state.handle(.published([Self.event(1)], writable: true)) == [])
        #expect(state.handle(.published([Self.event(2)], writable: true)).contains(.logDropped))
        #expect(state.handle(.identified(.success(.anonymous))) == [])
    }

    @Test("deliveries piling up on the event loop drop the listener, as its backlog does")
    func fellBehind() {
        var state = EventStreamState(queueLimit: 4)
        _ = state.handle(.identified(.success(.anonymous)))
        #expect(state.handle(.fellBehind) == [.leaveBus, .logDropped, .sendClose(.policyViolation, reason: "too slow: more than 4 events behind")])
        #expect(state.handle(.fellBehind) == [])
    }

    @Test("pings: answered; ours unanswered for a whole period closes the connection")
    func pings() {
        var state = EventStreamState(queueLimit: 8)
        _ = state.handle(.identified(.success(.anonymous)))
        #expect(state.handle(.receivedPing) == [.answerPing])
        #expect(state.handle(.pingDue) == [.sendPing])
        #expect(state.handle(.receivedPong) == [])
        #expect(state.handle(.pingDue) == [.sendPing])
        #expect(state.handle(.pingDue) == [.leaveBus, .sendClose(.goingAway, reason: "Ping timeout")])
    }

    @Test("the client closes: its close frame is answered and the connection ends; the server stopping says it is going away")
    func closing() {
        var state = EventStreamState(queueLimit: 8)
        _ = state.handle(.identified(.success(.anonymous)))
        #expect(state.handle(.receivedClose) == [.leaveBus, .sendClose(.normal, reason: ""), .closeConnection])
        #expect(state.handle(.connectionGone) == [])

        var stopping = EventStreamState(queueLimit: 8)
        _ = stopping.handle(.identified(.success(.anonymous)))
        #expect(stopping.handle(.serverStopping) == [.leaveBus, .sendClose(.goingAway, reason: "server shutting down")])
        #expect(stopping.handle(.connectionGone) == [.leaveBus])
    }
}
