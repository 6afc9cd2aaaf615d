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
        // Digits written straight into a byte buffer: this runs once per log line.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        digits(year, 4, &bytes)
        bytes.append(UInt8(ascii: "-"))
        digits(month, 2, &bytes)
        bytes.append(UInt8(ascii: "-"))
        digits(day, 2, &bytes)
        bytes.append(UInt8(ascii: "T"))
        digits(seconds / 3600, 2, &bytes)
        bytes.append(UInt8(ascii: ":"))
        digits(seconds / 60 % 60, 2, &bytes)
        bytes.append(UInt8(ascii: ":"))
        digits(seconds % 60, 2, &bytes)
        if micros != 0 {
            bytes.append(UInt8(ascii: "."))
            digits(micros, 6, &bytes)
        }
        bytes.append(contentsOf: "+00:00".utf8)
        return String(decoding: bytes, as: UTF8.self)
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

    /// `value` in decimal, zero-padded to `width` (years past 9999 get their extra digits).
    private static func digits(_ value: Int64, _ width: Int, _ bytes: inout [UInt8]) {
        var text: [UInt8] = []
        var rest = value < 0 ? -value : value
        repeat {
            text.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(0, width - text.count)))
        bytes.append(contentsOf: text.reversed())
    }
}
