import Foundation
import NIOPosix

/// A job's stored records from `start` in one piece of at most `maxBytes` (whole records, at
/// least one), for answers that cannot be streamed: XML-RPC's `jobs.logs` holds them as base64.
struct JobLogChunk: Sendable {
    var bytes: [UInt8]
    /// Whether the chunk reaches `end` (or the end of the log as stored when it was read).
    var complete: Bool

    static func read(_ logs: JobLogStorage, job: JobRecord, start: Int, end: Int?, maxBytes: Int) async throws -> JobLogChunk {
        try await NIOThreadPool.singleton.runIfActive {
            guard let (path, range) = try logs.byteRange(jobID: job.id, submitTime: job.submitTime, start: start, end: end),
                  !range.isEmpty else { return JobLogChunk(bytes: [], complete: true) }
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(range.lowerBound))
            if range.count <= maxBytes {
                return JobLogChunk(bytes: [UInt8](try handle.read(upToCount: range.count) ?? Data()), complete: true)
            }
            var bytes = [UInt8](try handle.read(upToCount: maxBytes) ?? Data())
            if let last = bytes.lastIndex(of: UInt8(ascii: "\n")) {
                bytes.removeSubrange((last + 1)...)
                return JobLogChunk(bytes: bytes, complete: false)
            }
            // One record longer than a chunk (the upload limit bounds it): sent whole.
            guard let (_, one) = try logs.byteRange(jobID: job.id, submitTime: job.submitTime, start: start, end: start + 1) else {
                return JobLogChunk(bytes: [], complete: false)
            }
            try handle.seek(toOffset: UInt64(one.lowerBound))
            return JobLogChunk(bytes: [UInt8](try handle.read(upToCount: one.count) ?? Data()), complete: one.upperBound >= range.upperBound)
        }
    }
}
