/// One RFC 6455 frame (section 5.2), without extensions: none is ever negotiated, so the
/// reserved bits must be zero.
public struct WebSocketFrame: Sendable, Equatable {
    public enum Opcode: UInt8, Sendable {
        case continuation = 0x0
        case text = 0x1
        case binary = 0x2
        case close = 0x8
        case ping = 0x9
        case pong = 0xA

        /// Close, ping and pong: at most 125 bytes, never fragmented, allowed between fragments.
        public var isControl: Bool { rawValue & 0x8 != 0 }
    }

    public var fin: Bool
    public var opcode: Opcode
    public var payload: [UInt8]

    public init(fin: Bool = true, opcode: Opcode, payload: [UInt8] = []) {
        self.fin = fin
        self.opcode = opcode
        self.payload = payload
    }

    /// The frame on the wire; `mask` (4 bytes) is what a client must use on every frame it sends
    /// (section 5.3), nil for a server's frame.
    public func encoded(mask: [UInt8]?) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | opcode.rawValue]
        bytes.reserveCapacity(payload.count + 14)
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        switch payload.count {
        case ..<126:
            bytes.append(maskBit | UInt8(payload.count))
        case ..<65536:
            bytes.append(maskBit | 126)
            bytes += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default:
            bytes.append(maskBit | 127)
            bytes += (0..<8).reversed().map { UInt8(truncatingIfNeeded: UInt64(payload.count) >> (8 * UInt64($0))) }
        }
        guard let mask else { return bytes + payload }
        precondition(mask.count == 4, "a WebSocket mask is 4 bytes")
        bytes += mask
        for (index, byte) in payload.enumerated() { bytes.append(byte ^ mask[index & 3]) }
        return bytes
    }
}

/// Cuts a server's byte stream into frames, however the bytes arrive. Never traps on hostile
/// input: what breaks RFC 6455 throws `.protocolViolation`, a frame longer than `maxPayload`
/// throws `.tooLarge` from its header, before its payload is buffered.
public struct WebSocketFrameDecoder: Sendable {
    public let maxPayload: Int
    private var buffer: [UInt8] = []
    /// Where the next frame starts in `buffer` (consumed bytes are dropped in batches).
    private var start = 0

    public init(maxPayload: Int) {
        self.maxPayload = maxPayload
    }

    /// Bytes received and not yet part of a returned frame.
    public var buffered: Int { buffer.count - start }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 0, start >= buffer.count / 2 {
            buffer.removeSubrange(..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole frame, or nil until more bytes arrive.
    public mutating func next() throws(WebSocketError) -> WebSocketFrame? {
        let available = buffer.count - start
        guard available >= 2 else { return nil }
        let first = buffer[start], second = buffer[start + 1]
        guard first & 0x70 == 0 else { throw .protocolViolation("reserved bits set in a frame (no extension was agreed)") }
        guard let opcode = WebSocketFrame.Opcode(rawValue: first & 0x0F) else {
            throw .protocolViolation("unknown opcode \(first & 0x0F)")
        }
        let fin = first & 0x80 != 0
        // Section 5.1: a client must close on a masked frame from the server.
        guard second & 0x80 == 0 else { throw .protocolViolation("a masked frame from the server") }
        var headerLength = 2
        var length = UInt64(second & 0x7F)
        if length == 126 || length == 127 {
            let extra = length == 126 ? 2 : 8
            guard available >= 2 + extra else { return nil }
            length = 0
            for index in 0..<extra { length = length << 8 | UInt64(buffer[start + 2 + index]) }
            headerLength += extra
            guard length >> 63 == 0 else { throw .protocolViolation("a frame length with its top bit set") }
        }
        if opcode.isControl {
            guard fin else { throw .protocolViolation("a fragmented control frame") }
            guard length <= 125 else { throw .protocolViolation("a control frame of \(length) bytes (at most 125)") }
        }
        guard length <= UInt64(maxPayload) else {
            throw WebSocketError(.tooLarge, "the server sent a frame of \(length) bytes, more than the \(maxPayload) taken")
        }
        guard available - headerLength >= Int(length) else { return nil }
        let payloadStart = start + headerLength
        let payload = Array(buffer[payloadStart..<payloadStart + Int(length)])
        start = payloadStart + Int(length)
        return WebSocketFrame(fin: fin, opcode: opcode, payload: payload)
    }
}
