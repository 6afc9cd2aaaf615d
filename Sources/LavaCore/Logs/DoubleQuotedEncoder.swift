/// Writes strings as YAML double-quoted scalars exactly as LAVA's log writer does (PyYAML on
/// libyaml with `default_style='"'` and `allow_unicode=False`): printable ASCII verbatim,
/// everything else escaped, so every stored line is plain ASCII.
enum DoubleQuotedEncoder {
    static func append(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value >= 0x20, value < 0x7F, value != 0x22, value != 0x5C {
                output.append(UInt8(value))
                continue
            }
            output.append(UInt8(ascii: "\\"))
            if let short = shortEscape(value) {
                output.append(short)
            } else if value <= 0xFF {
                appendHex(value, prefix: "x", digits: 2, to: &output)
            } else if value <= 0xFFFF {
                appendHex(value, prefix: "u", digits: 4, to: &output)
            } else {
                appendHex(value, prefix: "U", digits: 8, to: &output)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// The letter of libyaml's one-letter escape for `value`, if it has one.
    private static func shortEscape(_ value: UInt32) -> UInt8? {
        let letter: Unicode.Scalar? = switch value {
        case 0x00: "0"
        case 0x07: "a"
        case 0x08: "b"
        case 0x09: "t"
        case 0x0A: "n"
        case 0x0B: "v"
        case 0x0C: "f"
        case 0x0D: "r"
        case 0x1B: "e"
        case 0x22: "\""
        case 0x5C: "\\"
        case 0x85: "N"
        case 0xA0: "_"
        case 0x2028: "L"
        case 0x2029: "P"
        default: nil
        }
        return letter.map { UInt8($0.value) }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func appendHex(_ value: UInt32, prefix: Unicode.Scalar, digits: Int, to output: inout [UInt8]) {
        output.append(UInt8(prefix.value))
        for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
            output.append(hexDigits[Int((value >> UInt32(shift)) & 0xF)])
        }
    }
}
