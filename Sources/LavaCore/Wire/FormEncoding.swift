/// `application/x-www-form-urlencoded` bodies, as the worker protocol posts them (spec §2).
/// Byte by byte with a table: a log upload encodes a thousand lines at a time, and Foundation's
/// `addingPercentEncoding` (through NSString and UTF-16) was a third of lava-run's time.
public enum FormEncoding {
    /// Unreserved characters stay, everything else is percent-encoded (spaces as %20, which
    /// every form decoder reads, LAVA's Django included).
    private static let unreserved: [Bool] = (0 ..< 256).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "a") ... UInt8(ascii: "z"), UInt8(ascii: "A") ... UInt8(ascii: "Z"), UInt8(ascii: "0") ... UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
    private static let hex = Array("0123456789ABCDEF".utf8)

    public static func encode(_ fields: [(String, String)]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(fields.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count * 3 / 2 + 2 })
        for (index, (name, value)) in fields.enumerated() {
            if index > 0 { output.append(UInt8(ascii: "&")) }
            append(name, to: &output)
            output.append(UInt8(ascii: "="))
            append(value, to: &output)
        }
        return String(decoding: output, as: UTF8.self)
    }

    public static func escape(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        append(text, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    private static func append(_ text: String, to output: inout [UInt8]) {
        // Read the tables once: each access to a static would check its initialisation.
        let (unreserved, hex) = (Self.unreserved, Self.hex)
        for byte in text.utf8 {
            if unreserved[Int(byte)] {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0F)])
            }
        }
    }
}
