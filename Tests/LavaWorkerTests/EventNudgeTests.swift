import LavaClient
import Testing

/// LAVA 2023.01's rule for which event makes lava-worker ping at once (`listen_for_events`).
@Suite struct EventNudgeTests {
    static func event(topic: String = "org.lavasoftware.testjob", _ data: String) -> String {
        let escaped = data.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return #"["\#(topic)", "7f3c", "2026-01-01T10:00:00.000000", "alice", "\#(escaped)"]"#
    }

    @Test("a job scheduled on this worker, or canceled on it, nudges", arguments: ["Scheduled", "Canceling"])
    func nudges(_ state: String) {
        #expect(EventNudge.nudges(Self.event(#"{"job": 12, "state": "\#(state)", "worker": "w1", "health": "Unknown"}"#), worker: "w1"))
    }

    @Test("other states, other workers, other topics and malformed messages do not", arguments: [
        event(#"{"job": 12, "state": "Running", "worker": "w1"}"#),
        event(#"{"job": 12, "state": "Scheduled", "worker": "w2"}"#),
        event(#"{"job": 12, "state": "Scheduled"}"#),
        event(topic: "org.lavasoftware.device", #"{"device": "d1", "state": "Scheduled", "worker": "w1"}"#),
        event(topic: "org.lavasoftware.testjob.other", #"{"state": "Scheduled", "worker": "w1"}"#),
        event(#"not json"#),
        #"["org.lavasoftware.testjob", "{\"state\": \"Scheduled\", \"worker\": \"w1\"}"]"#,
        #"{"error": "Invalid worker token"}"#,
        "",
    ])
    func ignores(_ message: String) {
        #expect(!EventNudge.nudges(message, worker: "w1"))
    }

    @Test("the server's refusal is recognised")
    func refusal() {
        #expect(EventNudge.refusal(#"{"error": "Invalid worker token"}"#) == "Invalid worker token")
        #expect(EventNudge.refusal(Self.event(#"{"state": "Scheduled"}"#)) == nil)
    }
}

/// Which messages make lava-docker-worker ask the server's version at once.
@Suite struct AnnouncementTests {
    @Test("an announcement (topic .event) is one; a job's, device's or worker's event, or a malformed message, is not")
    func announcements() {
        #expect(EventNudge.announces(EventNudgeTests.event(topic: "org.lavasoftware.event", #"{"message": "next version", "next_version": "2027.01"}"#)))
        #expect(!EventNudge.announces(EventNudgeTests.event(#"{"job": 12, "state": "Scheduled", "worker": "w1"}"#)))
        #expect(!EventNudge.announces(EventNudgeTests.event(topic: "org.lavasoftware.worker", #"{"hostname": "w1"}"#)))
        #expect(!EventNudge.announces(#"["org.lavasoftware.event"]"#))
        #expect(!EventNudge.announces("not json"))
    }
}
