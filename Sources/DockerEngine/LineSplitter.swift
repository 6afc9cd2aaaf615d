/// Cuts a byte stream into newline-terminated lines, keeping an unfinished line for later.
public struct LineSplitter: Sendable {
    public init() {}

    private var pending: [UInt8] = []

    public mutating func feed(_ bytes: [UInt8]) -> [[UInt8]] {
        pending.append(contentsOf: bytes)
        var lines: [[UInt8]] = []
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            lines.append(Array(pending[..<newline]))
            pending.removeSubrange(...newline)
        }
        return lines
    }

    /// What is left when the stream ends without a final newline.
    public mutating func finish() -> [UInt8]? {
        defer { pending = [] }
        return pending.isEmpty ? nil : pending
    }
}
