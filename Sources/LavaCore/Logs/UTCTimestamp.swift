import Foundation

/// Formats dates like Python's `datetime.now(timezone.utc).isoformat()`, the `dt` of LAVA log
/// lines: `2026-05-04T10:11:12.345678+00:00`, the fraction left out when it is zero, as Python does.
/// Hand-written because DateFormatter is slow on the log path and has no microseconds.
public enum UTCTimestamp {
    public static func isoformat(_ date: Date) -> String {
        let microsecondsPerDay: Int64 = 86_400_000_000
        let total = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let days = total >= 0 ? total / microsecondsPerDay : (total + 1) / microsecondsPerDay - 1
        let ofDay = total - days * microsecondsPerDay
        let seconds = ofDay / 1_000_000
        let micros = ofDay % 1_000_000
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        var text = "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
            + "T\(padded(seconds / 3600, 2)):\(padded(seconds / 60 % 60, 2)):\(padded(seconds % 60, 2))"
        if micros != 0 { text += ".\(padded(micros, 6))" }
        return text + "+00:00"
    }

    /// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    private static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = daysSinceEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
