import Foundation

/// How the pages write times, ages and durations (UTC, as LAVA's pages do by default).
enum PageFormat {
    static func time(_ seconds: Double?) -> String {
        guard let seconds else { return "" }
        return Date(timeIntervalSince1970: seconds).formatted(
            Date.ISO8601FormatStyle(dateSeparator: .dash, dateTimeSeparator: .space, timeSeparator: .colon, timeZone: .gmt)
                .year().month().day().time(includingFractionalSeconds: false)
        ) + " UTC"
    }

    /// "12 s ago", "3 min ago", "2 h ago", "5 days ago"; "never" without a time.
    static func age(_ seconds: Double?, now: Double) -> String {
        guard let seconds else { return "never" }
        return duration(max(0, now - seconds)) + " ago"
    }

    static func duration(_ interval: Double) -> String {
        let whole = Int(interval.rounded(.down))
        switch whole {
        case ..<60: return "\(whole) s"
        case ..<3600: return "\(whole / 60) min \(whole % 60) s"
        case ..<86400: return "\(whole / 3600) h \(whole % 3600 / 60) min"
        default: return "\(whole / 86400) days \(whole % 86400 / 3600) h"
        }
    }

    /// The time a job took (or has taken so far).
    static func duration(start: Double?, end: Double?, now: Double) -> String {
        guard let start else { return "" }
        return duration(max(0, (end ?? now) - start))
    }
}
