import Foundation

/// A `<methodCall>` as a client posts it: the method's name and its positional parameters.
public struct XMLRPCCall: Sendable, Equatable {
    public var method: String
    public var params: [XMLRPCValue]

    public init(method: String, params: [XMLRPCValue]) {
        self.method = method
        self.params = params
    }

    /// Reads a posted body. Anything that is not a well-formed, UTF-8 `methodCall` within
    /// `limits`, or holds a value of no XML-RPC type, is a fault saying what is wrong.
    public init(parsing bytes: UnsafeRawBufferPointer, limits: XMLRPCLimits = .defaults) throws(XMLRPCFault) {
        let root = try XMLTree.parse(bytes, limits: limits)
        guard root.name == "methodCall" else { throw .unreadable("the root element is <\(root.name.prefix(40))>, not <methodCall>") }
        guard let name = root.children.first(where: { $0.name == "methodName" }) else {
            throw .unreadable("<methodCall> has no <methodName>")
        }
        method = name.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !method.isEmpty, method.utf8.count <= 200 else { throw .unreadable("the <methodName> must hold 1 to 200 bytes") }
        var params: [XMLRPCValue] = []
        for param in root.children.first(where: { $0.name == "params" })?.children ?? [] where param.name == "param" {
            guard let value = param.children.first(where: { $0.name == "value" }) else {
                throw .unreadable("a <param> has no <value>")
            }
            params.append(try Self.value(value))
        }
        self.params = params
    }

    public init(parsing bytes: [UInt8], limits: XMLRPCLimits = .defaults) throws(XMLRPCFault) {
        let parsed = bytes.withUnsafeBytes { buffer in Result { () throws(XMLRPCFault) in try XMLRPCCall(parsing: buffer, limits: limits) } }
        self = try parsed.get()
    }

    /// The call as Python's xmlrpc.client writes it, byte for byte (as lavacli posts it).
    public func encoded() -> [UInt8] {
        var out = XMLRPCWriter()
        out.append("<?xml version='1.0'?>\n<methodCall>\n<methodName>")
        out.escaped(method)
        out.append("</methodName>\n<params>\n")
        for param in params {
            out.append("<param>\n")
            out.value(param)
            out.append("</param>\n")
        }
        out.append("</params>\n</methodCall>\n")
        return out.bytes
    }

    /// A `<value>`: its one typed child, or its text as a string when it has none (as Python
    /// reads it, spaces kept).
    static func value(_ element: XMLElement) throws(XMLRPCFault) -> XMLRPCValue {
        guard let typed = element.children.first else { return .string(element.text) }
        guard element.children.count == 1 else { throw .unreadable("a <value> holds more than one element") }
        let text = typed.text
        switch typed.name {
        case "string":
            return .string(text)
        case "int", "i4", "i8":
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else { throw .unreadable("<\(typed.name)> '\(text.prefix(40))' is not an integer") }
            return .int(number)
        case "boolean":
            switch text.trimmingCharacters(in: .whitespaces) {
            case "0": return .bool(false)
            case "1": return .bool(true)
            default: throw .unreadable("<boolean> must be 0 or 1, not '\(text.prefix(40))'")
            }
        case "double":
            guard let number = Double(text.trimmingCharacters(in: .whitespaces)), number.isFinite else {
                throw .unreadable("<double> '\(text.prefix(40))' is not a finite number")
            }
            return .double(number)
        case "dateTime.iso8601":
            guard let date = XMLRPCDateTime.parse(text) else { throw .unreadable("<dateTime.iso8601> '\(text.prefix(40))' is not yyyyMMddTHH:mm:ss") }
            return .dateTime(date)
        case "base64":
            guard let data = Data(base64Encoded: text.filter { !$0.isWhitespace }) else { throw .unreadable("<base64> is not base64") }
            return .base64([UInt8](data))
        case "nil", "ex:nil":
            return .nil
        case "array":
            guard let data = typed.children.first, data.name == "data", typed.children.count == 1 else {
                throw .unreadable("an <array> must hold one <data>")
            }
            var values: [XMLRPCValue] = []
            for child in data.children {
                guard child.name == "value" else { throw .unreadable("<data> holds a <\(child.name)>") }
                values.append(try value(child))
            }
            return .array(values)
        case "struct":
            var members: [String: XMLRPCValue] = [:]
            for member in typed.children {
                guard member.name == "member",
                      let name = member.children.first(where: { $0.name == "name" }),
                      let value = member.children.first(where: { $0.name == "value" })
                else { throw .unreadable("a <struct> member needs a <name> and a <value>") }
                // As Python reads it: a repeated name, the last one wins.
                members[name.text] = try Self.value(value)
            }
            return .structure(members)
        default:
            throw .unreadable("<\(typed.name.prefix(40))> is not an XML-RPC type")
        }
    }
}
