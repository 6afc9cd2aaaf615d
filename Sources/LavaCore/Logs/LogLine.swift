import Foundation

/// One log line as lava-run writes it:
/// `{"dt": "2026-05-04T10:11:12.345678+00:00", "lvl": "info", "msg": "..."}`.
public struct LogLine: Sendable, Equatable {
    public let dt: Date
    public let level: String
    public let message: String

    public init(dt: Date = Date(), level: String, message: String) {
        self.dt = dt
        self.level = level
        self.message = message
    }

    /// LAVA replaces the message of a line this long (in characters) by a placeholder (§5.1).
    static let maxLength = 100_000
    static let tooLongMessage = "<line way too long ...>"

    /// The record in LAVA's exact text form, without the `- ` list prefix or a line break.
    /// Hand-written rather than built with Yams for the same reason as `FlowMappingScanner`:
    /// lava-run emits a line per console line, and a libyaml emitter per line is far too slow.
    public func encoded() -> String {
        let line = Self.encode(dt: dt, level: level, message: message)
        guard line.count >= Self.maxLength else { return String(decoding: line, as: UTF8.self) }
        return String(decoding: Self.encode(dt: dt, level: level, message: Self.tooLongMessage), as: UTF8.self)
    }

    /// Every byte written is ASCII, so the byte count is the character count LAVA measures.
    private static func encode(dt: Date, level: String, message: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(message.utf8.count + 64)
        output.append(contentsOf: #"{"dt": "#.utf8)
        DoubleQuotedEncoder.append(UTCTimestamp.isoformat(dt), to: &output)
        output.append(contentsOf: #", "lvl": "#.utf8)
        DoubleQuotedEncoder.append(level, to: &output)
        output.append(contentsOf: #", "msg": "#.utf8)
        DoubleQuotedEncoder.append(message, to: &output)
        output.append(UInt8(ascii: "}"))
        return output
    }
}
