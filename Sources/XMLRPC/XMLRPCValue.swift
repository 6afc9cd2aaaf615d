import Foundation

/// One XML-RPC value: the types Python's xmlrpc.client (lavacli's and LAVA's) reads and writes,
/// with `nil` as both send it (`allow_none=True`).
public enum XMLRPCValue: Sendable, Equatable {
    case int(Int)
    case bool(Bool)
    case string(String)
    case double(Double)
    /// Written as `yyyyMMddTHH:mm:ss` in UTC, the fraction cut as Python cuts it.
    case dateTime(Date)
    case base64([UInt8])
    case `nil`
    case array([XMLRPCValue])
    /// Members are written in key order, so an answer's bytes do not depend on hashing.
    case structure([String: XMLRPCValue])

    /// A string, or nil for `nil`: the many optional strings of LAVA's answers.
    public static func string(_ text: String?) -> XMLRPCValue {
        text.map(XMLRPCValue.string) ?? .nil
    }

    public static func int(_ value: Int?) -> XMLRPCValue {
        value.map(XMLRPCValue.int) ?? .nil
    }

    public static func dateTime(_ date: Date?) -> XMLRPCValue {
        date.map(XMLRPCValue.dateTime) ?? .nil
    }

    /// The type's element name, for errors that say what was sent instead.
    public var typeName: String {
        switch self {
        case .int: "int"
        case .bool: "boolean"
        case .string: "string"
        case .double: "double"
        case .dateTime: "dateTime.iso8601"
        case .base64: "base64"
        case .nil: "nil"
        case .array: "array"
        case .structure: "struct"
        }
    }
}
