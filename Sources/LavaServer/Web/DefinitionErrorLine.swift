/// Which line of a submitted definition an error names, so the submit page can show the error
/// beside it: a parser's "line N", else the first line that sets a key the message quotes
/// ('job_name', 'timeouts', …). Nil when the message names neither.
enum DefinitionErrorLine {
    static func find(_ message: String, in yaml: String) -> Int? {
        let lines = lines(of: yaml)
        if let number = lineNumber(in: message), (1...max(lines.count, 1)).contains(number) { return number }
        for key in quotedKeys(in: message) {
            if let index = lines.firstIndex(where: { sets($0, key) }) { return index + 1 }
        }
        return nil
    }

    /// The definition's lines, whatever ends them (Swift counts CR LF as one character).
    static func lines(of yaml: String) -> [Substring] {
        yaml.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    }

    /// The number after the first "line " in `message`.
    private static func lineNumber(in message: String) -> Int? {
        guard let range = message.range(of: "line ") else { return nil }
        let digits = message[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
        return Int(digits)
    }

    /// Words between single quotes, in order.
    private static func quotedKeys(in message: String) -> [Substring] {
        message.split(separator: "'", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 && !$0.element.isEmpty && $0.element.count <= 100 }
            .map(\.element)
    }

    private static func sets(_ line: Substring, _ key: Substring) -> Bool {
        let trimmed = line.drop { $0 == " " || $0 == "-" }
        return trimmed.hasPrefix(key + ":") || trimmed.hasPrefix("\"\(key)\":") || trimmed.hasPrefix("'\(key)':")
    }
}
