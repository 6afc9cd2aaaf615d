import Hummingbird
import LavaCore
import NIOCore

/// An `application/x-www-form-urlencoded` body as name → value. Hand-written instead of
/// Hummingbird's `URLEncodedFormDecoder` because handlers must answer LAVA's exact texts for
/// each missing field (`Missing 'lines'`), and log uploads are the hot path: one pass over the
/// bytes, no Codable tree.
struct FormBody: Sendable {
    private(set) var fields: [String: String] = [:]

    init(_ bytes: some Collection<UInt8>) {
        var name: [UInt8] = []
        var value: [UInt8] = []
        var inValue = false
        func flush() {
            if !name.isEmpty || !value.isEmpty {
                fields[Self.decode(name)] = Self.decode(value)
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
    }

    subscript(name: String) -> String? { fields[name] }

    /// Reads the request body, refusing more than `limit` bytes with LAVA's 413.
    static func read(_ request: Request, limit: Int) async throws -> FormBody {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.tooLarge
        }
        return buffer.withUnsafeReadableBytes { FormBody($0) }
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
