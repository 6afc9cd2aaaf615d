import Curl

/// What a WebSocket server (or whatever answers in its place) sends lava-worker: the input's
/// first byte picks a chunk size, the rest is the stream. The upgrade answer's parse must not
/// trap and must keep every byte after the head; the frame decoder must give the same frames,
/// and fail the same way, however the stream is cut; the assembler must keep its message bound.
enum WebSocketHarness {
    static let harness = Harness(name: "websocket") { input in
        guard let first = input.first else { return }
        let stream = Array(input.dropFirst())
        let chunk = Int(first) + 1

        if let (_, rest) = try? WebSocketHandshake.parse(stream, maxHead: 4096) {
            expect(rest.count < stream.count, "the head's bytes are counted as frames")
        }

        let maxMessage = 4096
        let whole = decode([stream], maxMessage: maxMessage)
        let cut = decode(stride(from: 0, to: stream.count, by: chunk).map { Array(stream[$0..<min(stream.count, $0 + chunk)]) },
                         maxMessage: maxMessage)
        expect(whole.frames == cut.frames, "the frames depend on where the stream was cut")
        expect(whole.error == cut.error, "the failure depends on where the stream was cut")

        var assembler = WebSocketMessageAssembler(maxMessage: maxMessage)
        for frame in whole.frames {
            guard let output = try? assembler.take(frame) else { break }
            if case .message(let message) = output {
                switch message {
                case .text(let text): expect(text.utf8.count <= maxMessage, "a text message over the bound")
                case .binary(let bytes): expect(bytes.count <= maxMessage, "a binary message over the bound")
                }
            }
        }
    }

    private static func decode(_ chunks: [[UInt8]], maxMessage: Int) -> (frames: [WebSocketFrame], error: WebSocketError.Kind?) {
        var decoder = WebSocketFrameDecoder(maxPayload: maxMessage)
        var frames: [WebSocketFrame] = []
        do {
            for chunk in chunks {
                decoder.append(chunk)
                while let frame = try decoder.next() {
                    expect(frame.payload.count <= maxMessage, "a frame over the bound")
                    frames.append(frame)
                }
            }
        } catch {
            return (frames, error.kind)
        }
        return (frames, nil)
    }
}
