import Foundation

/// Which of the server's event messages should make the worker ping at once: LAVA 2023.01's own
/// rule (lava_dispatcher/worker.py, `listen_for_events`). A message is a JSON array of five
/// strings, `[topic, uuid, datetime, username, data]`, `data` itself JSON; a `.testjob` topic
/// whose data names this worker with state Scheduled or Canceling is a nudge. Anything else,
/// malformed included, is not.
public enum EventNudge {
    public static let states: Set<String> = ["Scheduled", "Canceling"]

    public static func nudges(_ message: String, worker: String) -> Bool {
        guard let fields = try? JSONSerialization.jsonObject(with: Data(message.utf8)) as? [Any], fields.count == 5,
              let topic = fields[0] as? String, topic.hasSuffix(".testjob"), let text = fields[4] as? String,
              let data = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let name = data["worker"] as? String, name == worker,
              let state = data["state"] as? String
        else { return false }
        return states.contains(state)
    }

    /// An announcement (topic `.event`), such as the server's next version: the supervisor asks
    /// the server's version at once.
    public static func announces(_ message: String) -> Bool {
        guard let fields = try? JSONSerialization.jsonObject(with: Data(message.utf8)) as? [Any], fields.count == 5,
              let topic = fields[0] as? String
        else { return false }
        return topic.hasSuffix(".event")
    }

    /// The server's refusal of the connection's credentials: `{"error": "..."}`.
    public static func refusal(_ message: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(message.utf8)) as? [String: Any] else { return nil }
        return object["error"] as? String
    }
}
