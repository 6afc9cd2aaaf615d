/// A call to the server that did not succeed: an HTTP status with the server's message, or a
/// transport failure mapped as LAVA's worker maps it (503 for a connection error, 504 for a
/// timeout, spec §2.0).
public struct WorkerAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let message: String
    /// True when no HTTP answer came at all.
    public let transport: Bool

    public init(status: Int, message: String, transport: Bool) {
        self.status = status
        self.message = message
        self.transport = transport
    }

    public var description: String {
        transport ? "server unreachable (\(status)): \(message)" : "HTTP \(status): \(message)"
    }

    /// Worth retrying later: the server is down, overloaded or restarting.
    public var isTransient: Bool { transport || status >= 500 }
}
