import Foundation
import Logging
import SQLKit

/// PostgreSQL's outlet: each event is a NOTIFY on `lava_events`, sent inside the transaction, so
/// PostgreSQL delivers it on commit (and never for a rolled-back change) to every instance's
/// `NotificationRelay`, this one's included. Schedulers and admin commands, which have no
/// listeners of their own, reach the servers' listeners this way.
struct NotifyOutlet: EventOutlet {
    static let channel = "lava_events"
    /// PostgreSQL refuses a NOTIFY payload of 8000 bytes or more.
    static let payloadLimit = 7_999

    let logger: Logger

    func stage(_ events: [ServerEvent], in db: any SQLDatabase) async throws {
        for event in events {
            guard let payload = Self.payload(event) else {
                logger.warning("event \(event.kind.rawValue) \(event.id) not sent: too large for a NOTIFY even without its description")
                continue
            }
            try await db.raw("SELECT pg_notify(\(literal: Self.channel), \(bind: payload))").run()
        }
    }

    func committed(_ events: [ServerEvent]) {}

    /// The event as JSON within PostgreSQL's limit. Only a job's description is free text of
    /// any length (names are bounded, and escaping can make a 4 KiB description six times as
    /// long): it is shortened, then left out; nil if the event is too large even so.
    static func payload(_ event: ServerEvent) -> String? {
        var event = event
        while true {
            guard let data = try? JSONEncoder().encode(event) else { return nil }
            if data.count <= payloadLimit { return String(decoding: data, as: UTF8.self) }
            switch event.data["description"] {
            case .string(let text) where text.count > 200: event.data["description"] = .string(String(text.prefix(200)))
            case .string: event.data["description"] = .null
            default: return nil
            }
        }
    }
}
