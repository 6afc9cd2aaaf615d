@testable import Curl
import Testing

/// RFC 6455 framing on its own: what the decoder and the assembler make of well-formed and
/// hostile bytes, however they are cut.
@Suite struct WebSocketFrameTests {
    /// Every frame `bytes` holds, fed `chunk` bytes at a time.
    static func frames(_ bytes: [UInt8], chunk: Int = .max, maxPayload: Int = 1 << 20) throws(WebSocketError) -> [WebSocketFrame] {
        var decoder = WebSocketFrameDecoder(maxPayload: maxPayload)
        var frames: [WebSocketFrame] = []
        var offset = 0
        repeat {
            let end = min(bytes.count, offset + max(chunk, 1))
            decoder.append(bytes[offset..<end])
            offset = end
            while let frame = try decoder.next() { frames.append(frame) }
        } while offset < bytes.count
        return frames
    }

    @Test("frames of every length encoding decode back, whole or a byte at a time", arguments: [0, 1, 125, 126, 127, 65535, 65536, 70000])
    func roundTrip(_ length: Int) throws {
        let frame = WebSocketFrame(fin: length % 2 == 0, opcode: .binary, payload: (0..<length).map { UInt8($0 & 0xFF) })
        let bytes = frame.encoded(mask: nil)
        #expect(try Self.frames(bytes) == [frame])
        #expect(try Self.frames(bytes + bytes, chunk: 7) == [frame, frame])
        if length <= 300 { #expect(try Self.frames(bytes, chunk: 1) == [frame]) }
    }

    @Test("a client frame is masked with the key given, and unmasks to the payload")
    func masking() {
        let frame = WebSocketFrame(opcode: .text, payload: Array("Hello".utf8))
        // RFC 6455 section 5.7's example.
        #expect(frame.encoded(mask: [0x37, 0xFA, 0x21, 0x3D]) == [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
        #expect(frame.encoded(mask: nil) == [0x81, 0x05] + Array("Hello".utf8))
    }

    @Test("hostile frames are refused, not trapped on", arguments: [
        ([0xC1, 0x00], "reserved bits"),
        ([0x83, 0x00], "unknown opcode"),
        ([0x8B, 0x00], "unknown opcode"),
        ([0x81, 0x80, 1, 2, 3, 4], "masked"),
        ([0x09, 0x00], "fragmented control"),
        ([0x89, 0x7E, 0x00, 0x7E] + [UInt8](repeating: 0, count: 126), "control frame of 126"),
        ([0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0], "top bit"),
    ] as [([UInt8], String)])
    func hostile(_ bytes: [UInt8], _ what: String) {
        #expect(throws: WebSocketError.self, "\(what)") { try Self.frames(bytes) }
        do {
            _ = try Self.frames(bytes)
        } catch {
            #expect(error.kind == .protocolViolation, "\(what): \(error)")
        }
    }

    @Test("a frame over the limit is refused from its header, before its payload arrives")
    func tooLarge() {
        var decoder = WebSocketFrameDecoder(maxPayload: 1000)
        decoder.append([0x82, 0x7E, 0x03, 0xE9])
        #expect(throws: WebSocketError(.tooLarge, "the server sent a frame of 1001 bytes, more than the 1000 taken")) { try decoder.next() }
        var huge = WebSocketFrameDecoder(maxPayload: 1 << 20)
        huge.append([0x82, 0x7F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: WebSocketError.self) { try huge.next() }
    }

    @Test("an incomplete frame waits for more bytes")
    func incomplete() throws {
        var decoder = WebSocketFrameDecoder(maxPayload: 1 << 20)
        decoder.append([0x81, 0x7E, 0x01])
        #expect(try decoder.next() == nil)
        decoder.append([0x00] + [UInt8](repeating: 65, count: 255))
        #expect(try decoder.next() == nil)
        decoder.append([65, 0x8A])
        #expect(try decoder.next() == WebSocketFrame(opcode: .text, payload: [UInt8](repeating: 65, count: 256)))
        #expect(try decoder.next() == nil)
        #expect(decoder.buffered == 1)
    }

    // MARK: Messages

    static func messages(_ frames: [WebSocketFrame], max: Int = 1 << 20) throws(WebSocketError) -> [WebSocketMessageAssembler.Output] {
        var assembler = WebSocketMessageAssembler(maxMessage: max)
        var outputs: [WebSocketMessageAssembler.Output] = []
        for frame in frames {
            if let output = try assembler.take(frame) { outputs.append(output) }
        }
        return outputs
    }

    @Test("fragments join into one message; control frames between them come out on their own")
    func fragments() throws {
        let outputs = try Self.messages([
            WebSocketFrame(fin: false, opcode: .text, payload: Array("frag".utf8)),
            WebSocketFrame(opcode: .ping, payload: [1, 2]),
            WebSocketFrame(fin: false, opcode: .continuation, payload: Array("men".utf8)),
            WebSocketFrame(opcode: .continuation, payload: Array("ted é".utf8)),
            WebSocketFrame(opcode: .binary, payload: [0xFF]),
            WebSocketFrame(opcode: .close, payload: [0x03, 0xE8] + Array("bye".utf8)),
        ])
        #expect(outputs == [.ping([1, 2]), .message(.text("fragmented é")), .message(.binary([0xFF])), .close(code: 1000, reason: "bye")])
    }

    @Test("a UTF-8 character cut between fragments is whole in the message")
    func splitCharacter() throws {
        let bytes = Array("é".utf8)
        let outputs = try Self.messages([WebSocketFrame(fin: false, opcode: .text, payload: [bytes[0]]),
                                         WebSocketFrame(opcode: .continuation, payload: [bytes[1]])])
        #expect(outputs == [.message(.text("é"))])
    }

    @Test("broken sequences are protocol violations", arguments: [
        [WebSocketFrame(opcode: .continuation, payload: [1])],
        [WebSocketFrame(fin: false, opcode: .text, payload: [65]), WebSocketFrame(opcode: .text, payload: [66])],
        [WebSocketFrame(opcode: .text, payload: [0xC3, 0x28])],
        [WebSocketFrame(fin: false, opcode: .text, payload: [0xFF]), WebSocketFrame(opcode: .continuation, payload: [])],
        [WebSocketFrame(opcode: .close, payload: [3])],
        [WebSocketFrame(opcode: .close, payload: [3, 0xE8, 0xFF])],
    ])
    func broken(_ frames: [WebSocketFrame]) {
        do {
            _ = try Self.messages(frames)
            Issue.record("accepted")
        } catch {
            #expect(error.kind == .protocolViolation)
        }
    }

    @Test("a message over the limit is refused once its fragments pass it")
    func messageTooLarge() throws {
        let frames = (0..<5).map { WebSocketFrame(fin: false, opcode: $0 == 0 ? .binary : .continuation, payload: [UInt8](repeating: 0, count: 300)) }
        do {
            _ = try Self.messages(frames, max: 1000)
            Issue.record("accepted")
        } catch {
            #expect(error.kind == .tooLarge)
        }
        #expect(try Self.messages(Array(frames.prefix(3)) + [WebSocketFrame(opcode: .continuation, payload: [1])], max: 1000).count == 1)
    }

    @Test("an empty close frame has no code")
    func emptyClose() throws {
        #expect(try Self.messages([WebSocketFrame(opcode: .close)]) == [.close(code: nil, reason: "")])
    }
}
