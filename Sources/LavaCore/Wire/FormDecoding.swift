/// Reads `application/x-www-form-urlencoded` bodies as name → value (the later of two equal
/// names wins). Hand-written instead of Hummingbird's `URLEncodedFormDecoder` because the
/// server's handlers must answer LAVA's exact texts for each missing field (`Missing 'lines'`),
/// and log uploads are the hot path: one pass over the bytes, no Codable tree. In LavaCore, free
/// of the server's HTTP stack, so that it can be fuzzed on its own (scripts/fuzz.sh).
public enum FormDecoding {
    /// Not generic: a generic function called from another module runs unspecialized, through
    /// witness tables for each byte, and the server's bodies come as raw buffers anyway.
    public static func fields(_ bytes: UnsafeRawBufferPointer) -> [String: String] {
        var fields: [String: String] = [:]
        var name: [UInt8] = []
        var value: [UInt8] = []
        var inValue = false
        func flush() {
            if !name.isEmpty || !value.isEmpty {
                fields[decode(name)] = decode(value)
            }
            name.removeAll(keepingCapacity: true)
            value.removeAll(keepingCapacity: true)
            inValue = false
        }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "&"): flush()
            case UInt8(ascii: "=") where !inValue: inValue = true
            default:
                if inValue { value.append(byte) } else { name.append(byte) }
            }
        }
        flush()
        return fields
    }

    /// Percent-decoding with `+` as space; an invalid escape is kept as it is.
    private static func decode(_ bytes: [UInt8]) -> String {
        guard bytes.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                output.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                      let high = ASCIIHex.value(bytes[index + 1]), let low = ASCIIHex.value(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 2
            } else {
                output.append(byte)
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }
}
