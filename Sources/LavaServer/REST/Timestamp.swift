import Foundation

/// Times in REST answers: ISO 8601 in UTC with microseconds, as Django REST framework writes them.
enum Timestamp {
    static func iso(_ seconds: Double?) -> String? {
        guard let seconds else { return nil }
        return Date(timeIntervalSince1970: seconds).formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
