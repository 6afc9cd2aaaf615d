/// A scalar found by `FlowMappingScanner`, described by byte offsets into the record text so that
/// scanning allocates nothing; `decoded(in:)` builds the string only when someone asks for it.
struct ScalarToken: Sendable, Equatable {
    enum Style: Sendable, Equatable {
        case plain
        case singleQuoted
        case doubleQuoted
    }

    /// How the scalar was tagged: untagged, `!!str`, or any other tag (`!!int`, `!custom`, ...).
    enum Tagging: Sendable, Equatable {
        case none
        case string
        case other
    }

    /// The whole token, quotes included (what an in-place rewrite replaces).
    var range: Range<Int>
    /// The characters between the quotes (the same as `range` for plain scalars).
    var content: Range<Int>
    var style: Style
    var tagging: Tagging
    /// True when the content holds `\` escapes or `''`, so it cannot be compared byte for byte.
    var hasEscapes: Bool

    /// True when the scalar's value is exactly `ascii`, without allocating in the common case.
    func equals(_ ascii: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if hasEscapes {
            return decoded(in: bytes) == ascii.description
        }
        guard content.count == ascii.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: ascii.utf8Start, count: ascii.utf8CodeUnitCount)
        return zip(content, expected).allSatisfy { bytes[$0] == $1 }
    }

    func decoded(in bytes: UnsafeBufferPointer<UInt8>) -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[content])
        // Plain scalars never have escapes.
        guard hasEscapes else { return String(decoding: raw, as: UTF8.self) }
        return style == .doubleQuoted ? ScalarDecoding.doubleQuoted(raw) : ScalarDecoding.singleQuoted(raw)
    }
}
