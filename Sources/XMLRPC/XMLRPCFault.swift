/// An XML-RPC fault: sent as HTTP 200 with `faultCode` and `faultString`, which lavacli prints
/// as `<Fault code: 'string'>`. The codes are LAVA's: HTTP-like ones from its methods, the
/// negative ones of the XML-RPC interoperability list from its dispatcher.
public struct XMLRPCFault: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: Int
    public let message: String

    public init(_ code: Int, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "Fault \(code): \(message)" }

    /// The body is not an XML-RPC call this server can read.
    public static func unreadable(_ why: String) -> XMLRPCFault {
        XMLRPCFault(-32600, "Unable to decode request: \(why)")
    }

    public static func noSuchMethod(_ name: String) -> XMLRPCFault {
        XMLRPCFault(-32601, "No such method: '\(name)'")
    }

    /// Wrong number or types of arguments.
    public static func invalidParameters(_ why: String) -> XMLRPCFault {
        XMLRPCFault(-32602, "Invalid parameters: \(why)")
    }

    public static let internalError = XMLRPCFault(
        -32603, "Internal Server Error (contact server administrator for details)")
}
