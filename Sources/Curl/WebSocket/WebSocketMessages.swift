/// A whole WebSocket message, its fragments joined.
public enum WebSocketMessage: Sendable, Equatable {
    case text(String)
    case binary([UInt8])
}

/// Joins a server's frames into messages (RFC 6455 section 5.4) and sorts out the control
/// frames. Pure, so hostile frame sequences are tested and fuzzed without a connection: what
/// breaks the protocol throws `.protocolViolation`, a message beyond `maxMessage` bytes throws
/// `.tooLarge` as soon as its fragments pass it.
public struct WebSocketMessageAssembler: Sendable {
    /// What one frame amounts to.
    public enum Output: Sendable, Equatable {
        case message(WebSocketMessage)
        /// To be answered with a pong of the same payload.
        case ping([UInt8])
        case pong([UInt8])
        /// The server closes; nil code when its close frame had no payload (section 7.1.5: 1005).
        case close(code: UInt16?, reason: String)
    }

    public let maxMessage: Int
    private var fragments: [UInt8] = []
    /// The opcode of the message being received in fragments.
    private var fragmented: WebSocketFrame.Opcode?

    public init(maxMessage: Int) {
        self.maxMessage = maxMessage
    }

    /// The frame's meaning, or nil when it is a fragment of a message still incomplete.
    public mutating func take(_ frame: WebSocketFrame) throws(WebSocketError) -> Output? {
        switch frame.opcode {
        case .ping:
            return .ping(frame.payload)
        case .pong:
            return .pong(frame.payload)
        case .close:
            return try Self.close(frame.payload)
        case .text, .binary:
            guard fragmented == nil else { throw .protocolViolation("a new message before the last fragment of the previous one") }
            if frame.fin { return .message(try Self.message(frame.opcode, frame.payload)) }
            try add(frame.payload)
            fragmented = frame.opcode
            return nil
        case .continuation:
            guard let opcode = fragmented else { throw .protocolViolation("a continuation frame outside a fragmented message") }
            try add(frame.payload)
            guard frame.fin else { return nil }
            defer {
                fragments = []
                fragmented = nil
            }
            return .message(try Self.message(opcode, fragments))
        }
    }

    private mutating func add(_ payload: [UInt8]) throws(WebSocketError) {
        guard fragments.count + payload.count <= maxMessage else {
            throw WebSocketError(.tooLarge, "the server sent a message of more than \(maxMessage) bytes, the most taken")
        }
        fragments += payload
    }

    private static func message(_ opcode: WebSocketFrame.Opcode, _ payload: [UInt8]) throws(WebSocketError) -> WebSocketMessage {
        guard opcode == .text else { return .binary(payload) }
        guard let text = String(validating: payload, as: UTF8.self) else { throw .protocolViolation("a text message that is not UTF-8") }
        return .text(text)
    }

    /// Section 5.5.1: no payload, or a two-byte code and a UTF-8 reason.
    private static func close(_ payload: [UInt8]) throws(WebSocketError) -> Output {
        guard !payload.isEmpty else { return .close(code: nil, reason: "") }
        guard payload.count >= 2 else { throw .protocolViolation("a close frame of one byte") }
        let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
        guard let reason = String(validating: payload.dropFirst(2), as: UTF8.self) else {
            throw .protocolViolation("a close reason that is not UTF-8")
        }
        return .close(code: code, reason: reason)
    }
}
