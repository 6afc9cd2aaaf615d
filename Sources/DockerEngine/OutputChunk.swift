/// Bytes a container or exec wrote, and to which stream.
public struct OutputChunk: Sendable, Equatable {
    public enum Stream: Sendable, Equatable {
        case stdout, stderr
    }

    public var stream: Stream
    public var bytes: [UInt8]

    public init(stream: Stream, bytes: [UInt8]) {
        self.stream = stream
        self.bytes = bytes
    }
}

/// Splits the engine's multiplexed stream (logs and attach without a TTY) into chunks. Each frame
/// is an 8-byte header — stream type (1 stdout, 2 stderr), three zero bytes, a big-endian UInt32
/// length — then that many bytes; frames arrive cut anywhere, so the partial one is kept.
public struct OutputDemultiplexer: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    public mutating func feed(_ bytes: [UInt8]) -> [OutputChunk] {
        pending.append(contentsOf: bytes)
        var chunks: [OutputChunk] = []
        var offset = 0
        while pending.count - offset >= 8 {
            let length = pending[(offset + 4)..<(offset + 8)].reduce(0) { $0 << 8 | Int($1) }
            guard pending.count - offset - 8 >= length else { break }
            let payload = Array(pending[(offset + 8)..<(offset + 8 + length)])
            // Type 0 is stdin echoed back, which only happens with a TTY; count it as output.
            chunks.append(OutputChunk(stream: pending[offset] == 2 ? .stderr : .stdout, bytes: payload))
            offset += 8 + length
        }
        pending.removeFirst(offset)
        return chunks
    }
}
