import Foundation

/// A `<methodResponse>`: one value, or a fault. Laid out byte for byte as Python's
/// xmlrpc.client lays out its own, which is what LAVA sends.
public enum XMLRPCResponse: Sendable, Equatable {
    case value(XMLRPCValue)
    case fault(XMLRPCFault)

    /// The body's bytes, UTF-8 (send it as `text/xml; charset=utf-8`: without the charset,
    /// lavacli's requests decodes it as Latin-1).
    public func encoded() -> [UInt8] {
        var out = XMLRPCWriter()
        out.append("<?xml version='1.0'?>\n<methodResponse>\n")
        switch self {
        case .value(let value):
            out.append("<params>\n<param>\n")
            out.value(value)
            out.append("</param>\n</params>\n")
        case .fault(let fault):
            out.append("<fault>\n")
            out.value(.structure(["faultCode": .int(fault.code), "faultString": .string(fault.message)]))
            out.append("</fault>\n")
        }
        out.append("</methodResponse>\n")
        return out.bytes
    }
}

/// Builds a call's or a response's bytes.
struct XMLRPCWriter {
    var bytes: [UInt8] = []

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// `<value>…</value>` and a line feed, except after nil, as Python's `dump_nil` leaves it out.
    mutating func value(_ value: XMLRPCValue) {
        append("<value>")
        switch value {
        case .int(let number): append("<int>\(number)</int>")
        case .bool(let flag): append(flag ? "<boolean>1</boolean>" : "<boolean>0</boolean>")
        case .string(let text):
            append("<string>")
            escaped(text)
            append("</string>")
        case .double(let number): append("<double>\(number.isFinite ? number : 0)</double>")
        case .dateTime(let date): append("<dateTime.iso8601>\(XMLRPCDateTime.format(date))</dateTime.iso8601>")
        case .base64(let data):
            append("<base64>\n")
            append(Data(data).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed]))
            append(data.isEmpty ? "</base64>" : "\n</base64>")
        case .nil:
            append("<nil/></value>")
            return
        case .array(let values):
            append("<array><data>\n")
            for element in values { self.value(element) }
            append("</data></array>")
        case .structure(let members):
            append("<struct>\n")
            for key in members.keys.sorted() {
                append("<member>\n<name>")
                escaped(key)
                append("</name>\n")
                self.value(members[key] ?? .nil)
                append("</member>\n")
            }
            append("</struct>")
        }
        append("</value>\n")
    }

    /// Text as XML 1.0 allows it: `& < >` escaped, CR as a reference (a raw one would be read
    /// as LF), and the characters XML cannot carry at all (C0 controls other than tab and line
    /// feed, U+FFFE, U+FFFF) as U+FFFD, so that a job's ANSI colours cannot break the client's parse.
    mutating func escaped(_ text: String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": append("&amp;")
            case "<": append("&lt;")
            case ">": append("&gt;")
            case "\r": append("&#13;")
            case "\t", "\n": bytes.append(UInt8(scalar.value))
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                append("\u{FFFD}")
            case _ where scalar.isASCII:
                bytes.append(UInt8(scalar.value))
            default:
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
    }
}
