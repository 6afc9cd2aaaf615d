import Foundation

/// A `results` log record in LAVA's exact text form (spec §5.1):
/// `{"dt": "...", "lvl": "results", "msg": {"definition": "0_smoke", "case": "ls", "result": "pass", "measurement": !!float "1.5", "starttc": !!int "41", "endtc": !!int "43"}}`.
/// Every scalar is double-quoted; non-strings carry their tag, as PyYAML writes them with
/// `default_style='"'`.
public struct ResultsLine: Sendable, Equatable {
    public let dt: Date
    public let message: ResultsMessage

    public init(dt: Date = Date(), message: ResultsMessage) {
        self.dt = dt
        self.message = message
    }

    /// The record without the `- ` list prefix or a line break. A record of 100,000 characters or
    /// more has its `msg` replaced by `{"skip": "line way too long ..."}`, as LAVA does.
    public func encoded() -> String {
        let line = Self.encode(dt: dt, message: message)
        guard line.count >= LogLine.maxLength else { return String(decoding: line, as: UTF8.self) }
        let skipped: ResultsMessage = ["skip": "line way too long ..."]
        return String(decoding: Self.encode(dt: dt, message: skipped), as: UTF8.self)
    }

    private static func encode(dt: Date, message: ResultsMessage) -> [UInt8] {
        var output: [UInt8] = []
        output.append(contentsOf: #"{"dt": "#.utf8)
        DoubleQuotedEncoder.append(UTCTimestamp.isoformat(dt), to: &output)
        output.append(contentsOf: #", "lvl": "results", "msg": {"#.utf8)
        for (index, field) in message.fields.enumerated() {
            if index > 0 { output.append(contentsOf: ", ".utf8) }
            DoubleQuotedEncoder.append(field.key, to: &output)
            output.append(contentsOf: ": ".utf8)
            switch field.value {
            case .string(let text):
                DoubleQuotedEncoder.append(text, to: &output)
            case .int(let value):
                output.append(contentsOf: "!!int ".utf8)
                DoubleQuotedEncoder.append(String(value), to: &output)
            case .float(let value):
                output.append(contentsOf: "!!float ".utf8)
                DoubleQuotedEncoder.append(PythonFloat.yamlText(value), to: &output)
            case .bool(let value):
                output.append(contentsOf: "!!bool ".utf8)
                DoubleQuotedEncoder.append(value ? "true" : "false", to: &output)
            }
        }
        output.append(contentsOf: "}}".utf8)
        return output
    }
}
