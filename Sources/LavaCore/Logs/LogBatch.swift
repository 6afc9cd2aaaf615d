/// Parses the `lines` field of a log upload (`POST /scheduler/internal/v1/jobs/<id>/logs/`): a YAML
/// block sequence built by lava-run as `"- " + "\n- ".join(records)`, one record per physical line.
public enum LogBatch {
    public static func records(in lines: String) throws(LogFormatError) -> [LogRecord] {
        var field = lines
        // withUTF8 gives one contiguous buffer for the whole field, so records are cut without copying.
        let parsed: Result<[LogRecord], LogFormatError> = field.withUTF8 { buffer in
            Result { () throws(LogFormatError) in try records(in: buffer) }
        }
        return try parsed.get()
    }

    private static func records(in buffer: UnsafeBufferPointer<UInt8>) throws(LogFormatError) -> [LogRecord] {
        // lava-run sends no trailing line break; tolerate one from other writers.
        var end = buffer.count
        if end > 0, buffer[end - 1] == newline { end -= 1 }
        if end > 0, buffer[end - 1] == carriageReturn { end -= 1 }
        guard end > 0 else {
            throw LogFormatError(record: nil, "the 'lines' field is empty: send one line per record, each "
                + "\"- \" followed by a flow mapping such as {\"lvl\": \"info\", \"msg\": \"hello\"}")
        }
        var records: [LogRecord] = []
        var start = 0
        while true {
            let number = records.count + 1
            var lineEnd = start
            while lineEnd < end, buffer[lineEnd] != newline {
                let byte = buffer[lineEnd]
                if byte < 0x20 || byte == 0x7F || byte == 0xC2 || byte == 0xEF,
                   let character = unprintable(in: buffer, at: lineEnd, end: end) {
                    let escape = character <= 0xFF ? "\\x" + hex(character, digits: 2) : "\\u" + hex(character, digits: 4)
                    throw .record(number, "contains the unprintable character U+\(hex(character, digits: 4)) at byte "
                        + "\(lineEnd - start + 1) of its line: write it as \(escape) inside a double-quoted string, "
                        + "as LAVA's log writer does")
                }
                lineEnd += 1
            }
            var recordEnd = lineEnd
            if recordEnd > start, buffer[recordEnd - 1] == carriageReturn { recordEnd -= 1 }
            records.append(try LogRecord(line: UnsafeBufferPointer(rebasing: buffer[start ..< recordEnd]), number: number))
            guard lineEnd < end else { return records }
            start = lineEnd + 1
        }
    }

    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    /// The code point at `index` when YAML forbids it raw in a stream (C0 controls other than tab,
    /// DEL, C1 controls other than NEL, U+FFFE and U+FFFF): PyYAML and libyaml reject such lines, so
    /// storing one would make the whole `output.yaml` unreadable. A CR is allowed only before LF.
    private static func unprintable(in buffer: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> UInt32? {
        let byte = buffer[index]
        let next = index + 1 < end ? buffer[index + 1] : nil
        switch byte {
        case UInt8(ascii: "\t"):
            return nil
        case carriageReturn:
            return next == nil || next == newline ? nil : UInt32(byte)
        case 0xC2:
            guard let next, (0x80 ... 0x9F).contains(next), next != 0x85 else { return nil }
            return UInt32(next)
        case 0xEF:
            guard next == 0xBF, index + 2 < end, buffer[index + 2] == 0xBE || buffer[index + 2] == 0xBF else {
                return nil
            }
            return 0xFFFE + UInt32(buffer[index + 2] - 0xBE)
        default:
            return UInt32(byte)
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
