/// Why a WebSocket connection could not be opened or ended other than by a close frame, in
/// words that say what to look at.
public struct WebSocketError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The calling task was cancelled; the connection is closed.
        case cancelled
        /// No connection: refused, DNS, TLS, proxy (libcurl's CURLcode, -1 when not libcurl's),
        /// or the connection broke.
        case connection(code: Int)
        /// The server answered the upgrade with this HTTP status instead of 101 (404: it has no
        /// WebSocket at that path).
        case refused(status: Int)
        /// The server broke RFC 6455: a bad handshake answer, bad frames, invalid UTF-8.
        case protocolViolation
        /// A message or the handshake answer exceeded its bound.
        case tooLarge
        /// The handshake was not answered in time, or the server went silent (no frame, not even
        /// a pong, for two heartbeats): the connection is taken as dead.
        case timedOut
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    public static let cancelled = WebSocketError(.cancelled, "the WebSocket connection was cancelled")

    static func protocolViolation(_ what: String) -> WebSocketError {
        WebSocketError(.protocolViolation, "the server broke the WebSocket protocol: \(what)")
    }

    /// The status of a refused upgrade, if that is what happened.
    public var refusedStatus: Int? {
        if case .refused(let status) = kind { return status }
        return nil
    }
}
