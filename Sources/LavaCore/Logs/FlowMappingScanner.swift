/// A hand-written scanner for one log record: a single-line YAML flow mapping such as
/// `{"dt": "2026-11-24T22:46:13.208235", "lvl": "target", "msg": "tick 5"}`.
///
/// Why not Yams for every record: the log upload is the server's hot path (LAVA jobs emit tens of
/// thousands of lines), and building a libyaml parser plus a node tree per line costs tens of
/// microseconds, far below the 150,000 lines/s the server must sustain on one core. The server only
/// needs the top-level `lvl` (and, for events, `msg`), so this scanner walks the bytes once without
/// allocating. It accepts double-quoted, single-quoted and plain scalars, `!tag`s and nested flow
/// collections, and returns nil for anything else (anchors, aliases, comments, complex keys, invalid
/// escapes, ...), in which case the caller lets Yams decide and report the error.
struct FlowMappingScanner {
    /// What the scanner learned about a record.
    struct Result: Sendable {
        /// The top-level `lvl` value, nil when the mapping has no `lvl` key.
        var level: ScalarToken?
        /// The top-level `msg` value when it is a scalar.
        var message: ScalarToken?
    }

    /// Nested collections deeper than this go to Yams, so hostile input cannot exhaust the stack.
    private static let maxDepth = 32

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Scans one record (the text after the `- ` list prefix). Nil means "not understood here".
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Result? {
        var scanner = FlowMappingScanner(bytes: bytes)
        return scanner.scanRecord()
    }

    private mutating func scanRecord() -> Result? {
        var result = Result()
        // Only spaces before the mapping: libyaml refuses a tab there ("cannot start any token").
        while take(UInt8(ascii: " ")) {}
        guard take(UInt8(ascii: "{")) else { return nil }
        while true {
            skipSpaces()
            if take(UInt8(ascii: "}")) { break }
            // A key with a tag of its own is another key to Yams than the same text untagged.
            guard case .scalar(let key)? = scanNode(depth: 1), key.tagging != .other else { return nil }
            skipSpaces()
            guard take(UInt8(ascii: ":")) else { return nil }
            skipSpaces()
            // An empty value is a YAML null; rare enough to leave to Yams.
            guard let value = scanNode(depth: 1) else { return nil }
            // Later duplicates win, as with PyYAML on the LAVA server.
            if key.equals("lvl", in: bytes) {
                guard case .scalar(let level) = value, level.tagging != .other else { return nil }
                result.level = level
            } else if key.equals("msg", in: bytes) {
                if case .scalar(let message) = value { result.message = message } else { result.message = nil }
            }
            skipSpaces()
            if take(UInt8(ascii: ",")) { continue }
            if take(UInt8(ascii: "}")) { break }
            return nil
        }
        skipSpaces()
        return position == bytes.count ? result : nil
    }

    private enum Node {
        case scalar(ScalarToken)
        case collection
    }

    private mutating func scanNode(depth: Int) -> Node? {
        guard depth <= Self.maxDepth, let first = peek() else { return nil }
        var tagging = ScalarToken.Tagging.none
        if first == UInt8(ascii: "!") {
            guard let tag = scanTag() else { return nil }
            tagging = tag
        }
        switch peek() {
        case UInt8(ascii: "{"):
            return scanMapping(depth: depth + 1) ? .collection : nil
        case UInt8(ascii: "["):
            return scanSequence(depth: depth + 1) ? .collection : nil
        case UInt8(ascii: "\""):
            return scanDoubleQuoted(tagging: tagging).map(Node.scalar)
        case UInt8(ascii: "'"):
            return scanSingleQuoted(tagging: tagging).map(Node.scalar)
        case nil:
            return nil
        default:
            return scanPlain(tagging: tagging).map(Node.scalar)
        }
    }

    /// Reads `!tag` or `!!tag` made of letters, digits, `-` and `_`, and the blanks after it.
    /// Other forms (`!<...>`, `!handle!suffix`, `%` escapes, ...) are left to Yams, which refuses
    /// those libyaml refuses.
    private mutating func scanTag() -> ScalarToken.Tagging? {
        let start = position
        position += 1
        _ = take(UInt8(ascii: "!"))
        let suffixStart = position
        while let byte = peek(), Self.isTagCharacter(byte) { position += 1 }
        let tag = UnsafeBufferPointer(rebasing: bytes[start ..< position])
        guard position > suffixStart, let byte = peek(), Self.isBlank(byte) else { return nil }
        skipSpaces()
        return tag.elementsEqual("!!str".utf8) ? .string : .other
    }

    /// A nested `{...}`: validated entry by entry so the stored line stays loadable YAML.
    private mutating func scanMapping(depth: Int) -> Bool {
        position += 1
        while true {
            skipSpaces()
            if take(UInt8(ascii: "}")) { return true }
            guard case .scalar? = scanNode(depth: depth) else { return false }
            skipSpaces()
            guard take(UInt8(ascii: ":")) else { return false }
            skipSpaces()
            guard scanNode(depth: depth) != nil else { return false }
            skipSpaces()
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "}"))
        }
    }

    /// A nested `[...]`; single-pair mappings inside sequences (`[a: b]`) are left to Yams.
    private mutating func scanSequence(depth: Int) -> Bool {
        position += 1
        while true {
            skipSpaces()
            if take(UInt8(ascii: "]")) { return true }
            guard scanNode(depth: depth) != nil else { return false }
            skipSpaces()
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "]"))
        }
    }

    private mutating func scanDoubleQuoted(tagging: ScalarToken.Tagging) -> ScalarToken? {
        let start = position
        var index = start + 1
        var hasEscapes = false
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                position = index + 1
                return ScalarToken(range: start ..< position, content: start + 1 ..< index,
                                   style: .doubleQuoted, tagging: tagging, hasEscapes: hasEscapes)
            case UInt8(ascii: "\\"):
                guard let length = ScalarDecoding.escapeLength(in: bytes, at: index) else { return nil }
                hasEscapes = true
                index += length
            default:
                index += 1
            }
        }
        return nil
    }

    private mutating func scanSingleQuoted(tagging: ScalarToken.Tagging) -> ScalarToken? {
        let start = position
        var index = start + 1
        var hasEscapes = false
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "'") else {
                index += 1
                continue
            }
            if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "'") {
                hasEscapes = true
                index += 2
                continue
            }
            position = index + 1
            return ScalarToken(range: start ..< position, content: start + 1 ..< index,
                               style: .singleQuoted, tagging: tagging, hasEscapes: hasEscapes)
        }
        return nil
    }

    /// A plain scalar in flow context: it ends at a flow indicator or at `: `, and never starts
    /// with an indicator except `-` directly followed by a safe character (libyaml reads `?` and
    /// `:` as indicators there whatever follows them).
    private mutating func scanPlain(tagging: ScalarToken.Tagging) -> ScalarToken? {
        let start = position
        let first = bytes[start]
        if Self.isIndicator(first) {
            guard first == UInt8(ascii: "-"), start + 1 < bytes.count, Self.isSafe(bytes[start + 1]) else { return nil }
        }
        var end = start + 1
        var index = start + 1
        while index < bytes.count {
            let byte = bytes[index]
            if Self.isFlowIndicator(byte) { break }
            if byte == UInt8(ascii: ":") {
                if index + 1 == bytes.count || Self.isBlank(bytes[index + 1]) { break }
                // libyaml refuses `:` before a flow indicator or `?` inside a plain scalar.
                if !Self.isSafe(bytes[index + 1]) || bytes[index + 1] == UInt8(ascii: "?") { return nil }
            } else if Self.isBlank(byte) {
                var next = index
                while next < bytes.count, Self.isBlank(bytes[next]) { next += 1 }
                if next < bytes.count, bytes[next] == UInt8(ascii: "#") { return nil }  // a comment
                index = next
                continue
            }
            index += 1
            end = index
        }
        position = end
        return ScalarToken(range: start ..< end, content: start ..< end,
                           style: .plain, tagging: tagging, hasEscapes: false)
    }

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        position += 1
        return true
    }

    private mutating func skipSpaces() {
        while let byte = peek(), Self.isBlank(byte) { position += 1 }
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    private static func isFlowIndicator(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"): true
        default: false
        }
    }

    private static func isTagCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a") ... UInt8(ascii: "z"), UInt8(ascii: "A") ... UInt8(ascii: "Z"),
             UInt8(ascii: "0") ... UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    /// A character that may follow `:`, `-` or `?` inside a plain scalar in flow context.
    private static func isSafe(_ byte: UInt8) -> Bool {
        !isBlank(byte) && !isFlowIndicator(byte)
    }

    private static func isIndicator(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "["),
             UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"),
             UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"),
             UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"):
            true
        default:
            false
        }
    }
}
