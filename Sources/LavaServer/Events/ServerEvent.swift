import Foundation

/// One of LAVA's events (lava_scheduler_app/signals.py): a job, device or worker whose state or
/// health changed, or a server announcement. `audience` says who may receive it; it travels
/// between instances with the event and is never sent to clients.
struct ServerEvent: Sendable, Codable, Equatable {
    enum Kind: String, Sendable, Codable, CaseIterable {
        case testjob, device, worker, event
    }

    /// A value of `data`: LAVA's fields are strings, integers, booleans or null.
    enum Value: Sendable, Codable, Equatable {
        case string(String)
        case int(Int)
        case bool(Bool)
        case null

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null }
            else if let value = try? container.decode(Bool.self) { self = .bool(value) }
            else if let value = try? container.decode(Int.self) { self = .int(value) }
            else { self = .string(try container.decode(String.self)) }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .int(let value): try container.encode(value)
            case .bool(let value): try container.encode(value)
            case .null: try container.encodeNil()
            }
        }
    }

    var kind: Kind
    var id: String = UUID().uuidString.lowercased()
    /// Seconds since 1970.
    var time: Double
    var username: String
    var data: [String: Value]
    var audience: EventAudience

    /// The text frame LAVA's publisher sends: `[topic, uuid, datetime, username, data]`, all
    /// strings, `data` itself JSON.
    func message(topicPrefix: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings, integers and booleans cannot fail.
        let dataText = (try? encoder.encode(data)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let fields = [topicPrefix + "." + kind.rawValue, id, Self.isoDate(time, zone: false), username, dataText]
        return (try? encoder.encode(fields)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    /// Python's `isoformat()`: microseconds, and `+00:00` for an aware time (the fields) or
    /// nothing for a naive UTC one (the message's own datetime, `utcnow()`).
    static func isoDate(_ seconds: Double, zone: Bool = true) -> String {
        let date = Date(timeIntervalSince1970: seconds)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let micros = Int(((seconds - seconds.rounded(.down)) * 1_000_000).rounded(.down))
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        var text = String(format: "%04d", parts.year ?? 1970) + "-" + two(parts.month) + "-" + two(parts.day)
            + "T" + two(parts.hour) + ":" + two(parts.minute) + ":" + two(parts.second)
        if micros > 0 { text += String(format: ".%06d", micros) }
        return zone ? text + "+00:00" : text
    }
}

/// Who may receive an event.
enum EventAudience: Sendable, Codable, Equatable {
    /// Devices, workers, announcements: everyone, as on LAVA.
    case everyone
    /// A job's event: those who may see the job (JobAccess), and the worker it runs on.
    case job(visibility: JobVisibilityKind, submitter: String, groups: [String], worker: String?)
}

extension JobVisibilityKind: Codable {}
