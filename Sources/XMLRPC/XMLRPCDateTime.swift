import Foundation

/// `dateTime.iso8601` as Python's xmlrpc.client writes it: `20230115T10:11:12`, UTC, no zone,
/// no fraction.
enum XMLRPCDateTime {
    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        return calendar
    }()

    static func format(_ date: Date) -> String {
        // Cut to the second, as Python does, rather than rounded into the next one.
        let parts = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
        func padded(_ value: Int?, _ width: Int = 2) -> String {
            let digits = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return padded(parts.year, 4) + padded(parts.month) + padded(parts.day) + "T" + padded(parts.hour) + ":" + padded(parts.minute) + ":" + padded(parts.second)
    }

    /// `yyyyMMddTHH:mm:ss`, or the same with dashes in the date (both occur in the wild); a
    /// trailing `Z` is UTC anyway.
    static func parse(_ text: String) -> Date? {
        var digits = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "-", with: "")
        if digits.hasSuffix("Z") { digits.removeLast() }
        let bytes = Array(digits.utf8)
        guard bytes.count == 17, bytes[8] == UInt8(ascii: "T"), bytes[11] == UInt8(ascii: ":"), bytes[14] == UInt8(ascii: ":") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard bytes[range].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
            return Int(String(decoding: bytes[range], as: UTF8.self))
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
              let hour = number(9..<11), let minute = number(12..<14), let second = number(15..<17),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        return utc.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))
    }
}
