import Foundation
import LavaTestSupport
import HTTPTypes

/// A WebSocket client written out byte by byte on a `RawConnection`, for what a library client
/// hides: the exact frames of a refusal, and whether the server then ends the connection.
/// (HummingbirdWSClient can lose frames that arrive with the 101 and then never end.)
enum RawWebSocket {
    struct Frame: Equatable {
        let opcode: UInt8
        let payload: [UInt8]
    }

    /// What the client saw until the server's close frame.
    struct Ending: Sendable {
        let status: String
        let texts: [String]
        let closeCode: Int?
        let closeReason: String?
        let closedByServer: Bool
    }

    /// Upgrades with `headers`, reads until the server's close frame, answers it as RFC 6455
    /// says, and waits for the server to close the connection.
    static func refusal(port: Int, headers: HTTPFields) async throws -> Ending {
        await untilClosed(try await upgrade(port: port, headers: headers))
    }

    /// A connection that asked to upgrade to `/ws/` with `headers`, once the answer's head has
    /// come (the server has checked the credentials then).
    static func upgrade(port: Int, headers: HTTPFields = [:]) async throws -> RawConnection {
        let connection = try RawConnection(port: port, readTimeout: 30)
        var request = "GET /ws/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        for field in headers { request += "\(field.name): \(field.value)\r\n" }
        connection.send(request + "\r\n")
        let blank: [UInt8] = [13, 10, 13, 10]
        let answered = await onOwnThread {
            connection.receive { bytes in bytes.count >= 4 && (0...(bytes.count - 4)).contains { bytes[$0..<$0 + 4].elementsEqual(blank) } }
        }
        guard answered else { throw TestFailure("no answer to the upgrade") }
        return connection
    }

    /// Reads `connection` (an `upgrade`) until the server's close frame, answers it, and waits
    /// for the server to end the connection; on a thread of its own, as `RawConnection` reads.
    static func untilClosed(_ connection: RawConnection) async -> Ending {
        await onOwnThread {
            _ = connection.receive { bytes in Self.frames(afterHead: bytes).contains { $0.opcode == 8 } }
            let bytes = connection.bytesReceived
            let head = String(decoding: bytes.prefix(while: { $0 != 13 }), as: UTF8.self)
            let frames = Self.frames(afterHead: bytes)
            let close = frames.first { $0.opcode == 8 }
            // A masked close frame with code 1000, as a client must answer.
            let mask: [UInt8] = [1, 2, 3, 4]
            let code: [UInt8] = [0x03, 0xE8]
            _ = connection.send([0x88, 0x82] + mask + code.enumerated().map { $0.element ^ mask[$0.offset] })
            return Ending(
                status: head,
                texts: frames.filter { $0.opcode == 1 }.map { String(decoding: $0.payload, as: UTF8.self) },
                closeCode: close.flatMap { $0.payload.count >= 2 ? Int($0.payload[0]) << 8 | Int($0.payload[1]) : nil },
                closeReason: close.map { String(decoding: $0.payload.dropFirst(2), as: UTF8.self) },
                closedByServer: connection.waitForClose()
            )
        }
    }

    /// The whole unmasked frames after the HTTP head (a server's frames are never masked).
    static func frames(afterHead bytes: [UInt8]) -> [Frame] {
        let blank: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4, let end = (0...(bytes.count - 4)).first(where: { bytes[$0..<$0 + 4].elementsEqual(blank) }) else { return [] }
        var index = end + 4
        var frames: [Frame] = []
        while index + 2 <= bytes.count {
            var length = Int(bytes[index + 1] & 0x7F)
            var start = index + 2
            if length == 126 {
                guard start + 2 <= bytes.count else { break }
                length = Int(bytes[start]) << 8 | Int(bytes[start + 1])
                start += 2
            } else if length == 127 {
                guard start + 8 <= bytes.count else { break }
                length = bytes[start..<start + 8].reduce(0) { $0 << 8 | Int($1) }
                start += 8
            }
            guard start + length <= bytes.count else { break }
            frames.append(Frame(opcode: bytes[index] & 0x0F, payload: Array(bytes[start..<start + length])))
            index = start + length
        }
        return frames
    }
}
