/// A job's stored records from `start` in one piece of at most `maxBytes` (whole records, at
/// least one), for answers that cannot be streamed: XML-RPC's `jobs.logs` holds them as base64.
struct JobLogChunk: Sendable {
    var bytes: [UInt8]
    /// Whether the chunk reaches `end` (or the end of the log as stored when it was read).
    var complete: Bool

    static func read(_ logs: any JobLogStore, job: JobRecord, start: Int, end: Int?, maxBytes: Int) async throws -> JobLogChunk {
        var bytes: [UInt8] = []
        var complete = true
        try await logs.read(job.logKey, lines: start..<max(end ?? Int.max, start)) { chunk, _ in
            var position = chunk.startIndex
            while let newline = chunk[position...].firstIndex(of: UInt8(ascii: "\n")) {
                // One record longer than `maxBytes` (the upload limit bounds it) is sent whole.
                guard bytes.isEmpty || bytes.count + (newline + 1 - position) <= maxBytes else {
                    complete = false
                    return false
                }
                bytes.append(contentsOf: chunk[position...newline])
                position = newline + 1
            }
            return true
        }
        return JobLogChunk(bytes: bytes, complete: complete)
    }
}
