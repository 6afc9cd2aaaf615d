import Curl
import Foundation
import LavaTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A WebSocket server on loopback that answers one upgrade with exactly the bytes it is given:
/// for what a well-behaved server never does (a wrong Sec-WebSocket-Accept, reserved bits, frames
/// in the same packet as its 101) and to see exactly what the client sends (`received`: the
/// client's frames, unmasked, until it goes). Threads and blocking sockets, independent of the
/// code under test.
final class ScriptedWebSocketServer: Sendable {
    enum Answer: Sendable {
        /// A correct 101 for the client's key.
        case upgrade
        /// A 101 whose Sec-WebSocket-Accept is not the key's.
        case wrongAccept
    }

    let port: Int
    let received: AsyncStream<WebSocketFrame>
    private let listener: Int32

    /// Answers the first upgrade with `answer` and then `script`, in one write.
    init(_ answer: Answer = .upgrade, then script: [UInt8] = []) throws {
        let (fd, port) = try LoopbackListener.open(for: "the scripted WebSocket server")
        listener = fd
        self.port = port
        let (received, frames) = AsyncStream.makeStream(of: WebSocketFrame.self)
        self.received = received
        Thread.detachNewThread {
            defer { frames.finish() }
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return }
            defer { close(client) }
            var buffer: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while buffer.firstRange(of: Array("\r\n\r\n".utf8)) == nil {
                let count = recv(client, &chunk, chunk.count, 0)
                guard count > 0 else { return }
                buffer += chunk.prefix(count)
            }
            let head = String(decoding: buffer, as: UTF8.self)
            let key = head.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("sec-websocket-key:") }
                .map { String($0.dropFirst("sec-websocket-key:".count)).trimmingCharacters(in: .whitespaces) } ?? ""
            let accept = answer == .upgrade ? WebSocketHandshake.accept(for: key) : WebSocketHandshake.accept(for: key + "x")
            let reply = Array("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(accept)\r\n\r\n".utf8) + script
            guard send(client, reply, reply.count, Int32(MSG_NOSIGNAL)) == reply.count else { return }
            buffer = Array(buffer[(buffer.firstRange(of: Array("\r\n\r\n".utf8))!.upperBound)...])
            while true {
                while let (frame, used) = Self.clientFrame(buffer) {
                    frames.yield(frame)
                    buffer.removeFirst(used)
                }
                let count = recv(client, &chunk, chunk.count, 0)
                guard count > 0 else { return }
                buffer += chunk.prefix(count)
            }
        }
    }

    var url: String { "ws://127.0.0.1:\(port)/ws/" }

    /// The client's next frame, nil once it has gone.
    func nextFrame() async -> WebSocketFrame? {
        var frames = received.makeAsyncIterator()
        return await frames.next()
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    /// A masked client frame at the start of `bytes` (short lengths only: the client sends
    /// control frames here), and how many bytes it took.
    private static func clientFrame(_ bytes: [UInt8]) -> (WebSocketFrame, Int)? {
        guard bytes.count >= 2, bytes[1] & 0x80 != 0, bytes[1] & 0x7F < 126 else { return nil }
        let length = Int(bytes[1] & 0x7F)
        guard bytes.count >= 6 + length, let opcode = WebSocketFrame.Opcode(rawValue: bytes[0] & 0x0F) else { return nil }
        let mask = Array(bytes[2..<6])
        let payload = (0..<length).map { bytes[6 + $0] ^ mask[$0 & 3] }
        return (WebSocketFrame(fin: bytes[0] & 0x80 != 0, opcode: opcode, payload: payload), 6 + length)
    }
}
