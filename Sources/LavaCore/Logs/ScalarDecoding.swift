/// Escape handling for single-line YAML quoted scalars (JSON strings are a subset of YAML
/// double-quoted scalars, so this covers JSON as well, but for the `\uD83D\uDE00` surrogate pairs
/// JSON may write for characters outside the BMP: libyaml, and so LAVA, refuses them).
enum ScalarDecoding {
    /// Length in bytes of the escape sequence starting with the backslash at `index`, or nil when
    /// YAML does not define it (the record is then left to Yams, which reports the error). As in
    /// libyaml, surrogates (JSON's surrogate pairs too) and code points past U+10FFFF are errors.
    static func escapeLength(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        let next = index + 1
        guard next < bytes.count else { return nil }
        let hexDigits: Int
        switch bytes[next] {
        case UInt8(ascii: "x"): hexDigits = 2
        case UInt8(ascii: "u"): hexDigits = 4
        case UInt8(ascii: "U"): hexDigits = 8
        default:
            return simpleEscapes[Int(bytes[next])] == nil ? nil : 2
        }
        let end = next + 1 + hexDigits
        guard end <= bytes.count, (next + 1 ..< end).allSatisfy({ ASCIIHex.value(bytes[$0]) != nil }),
              Unicode.Scalar(hex(bytes, from: next + 1, digits: hexDigits)) != nil else {
            return nil
        }
        return 2 + hexDigits
    }

    /// Decodes the content of a double-quoted scalar whose escapes were validated by `escapeLength`.
    static func doubleQuoted(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var utf8 = [UInt8]()
        utf8.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < bytes.count else {
                utf8.append(byte)
                index += 1
                continue
            }
            let kind = bytes[index + 1]
            if let simple = simpleEscapes[Int(kind)] {
                UTF8.encode(simple) { utf8.append($0) }
                index += 2
                continue
            }
            let digits = kind == UInt8(ascii: "x") ? 2 : kind == UInt8(ascii: "u") ? 4 : 8
            let value = hex(bytes, from: index + 2, digits: digits)
            index += 2 + digits
            UTF8.encode(Unicode.Scalar(value) ?? "\u{FFFD}") { utf8.append($0) }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// Decodes the content of a single-quoted scalar, where the only escape is `''` for `'`.
    static func singleQuoted(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var utf8 = [UInt8]()
        utf8.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            utf8.append(bytes[index])
            let isDoubledQuote = bytes[index] == UInt8(ascii: "'") && index + 1 < bytes.count
                && bytes[index + 1] == UInt8(ascii: "'")
            index += isDoubledQuote ? 2 : 1
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// The one-character escapes of YAML 1.1/1.2 double-quoted scalars, indexed by the byte after `\`.
    private static let simpleEscapes: [Unicode.Scalar?] = {
        var table = [Unicode.Scalar?](repeating: nil, count: 256)
        let pairs: [(Character, Unicode.Scalar)] = [
            ("0", "\u{0}"), ("a", "\u{7}"), ("b", "\u{8}"), ("t", "\t"), ("\t", "\t"), ("n", "\n"),
            ("v", "\u{B}"), ("f", "\u{C}"), ("r", "\r"), ("e", "\u{1B}"), (" ", " "), ("\"", "\""),
            ("/", "/"), ("\\", "\\"), ("N", "\u{85}"), ("_", "\u{A0}"), ("L", "\u{2028}"), ("P", "\u{2029}"),
        ]
        for (key, value) in pairs {
            if let ascii = key.asciiValue { table[Int(ascii)] = value }
        }
        return table
    }()

    private static func hex(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, digits: Int) -> UInt32 {
        var value: UInt32 = 0
        for index in start ..< start + digits {
            value = value << 4 | UInt32(ASCIIHex.value(bytes[index]) ?? 0)
        }
        return value
    }
}
