import Foundation
import NIOPosix

/// Reads one page of a job's stored log, `first..<first + count` records, in chunks, handing
/// the records on as they are read: a page is never held whole, and a page of huge lines stops
/// at `maxBytes`, so a 1,000,000-line log or a hostile sender's lines cannot exhaust memory.
struct LogPageReader: Sendable {
    let logs: JobLogStorage
    let job: JobRecord

    static let chunkBytes = 256 * 1024
    static let maxBytes = 4 * 1024 * 1024

    /// The number of records stored so far.
    func count() async throws -> Int {
        let (logs, job) = (logs, job)
        return try await NIOThreadPool.singleton.runIfActive {
            try logs.recordCount(jobID: job.id, submitTime: job.submitTime)
        }
    }

    /// Calls `consume` with the records from `first`, a chunk at a time, until `count` records
    /// or `maxBytes` bytes; returns the number of the first record not read.
    func read(from first: Int, count: Int, _ consume: ([LogLineView]) async throws -> Void) async throws -> Int {
        let (logs, job) = (logs, job)
        let located = try await NIOThreadPool.singleton.runIfActive {
            try logs.byteRange(jobID: job.id, submitTime: job.submitTime, start: first, end: first.addingReportingOverflow(count).overflow ? Int.max : first + count)
        }
        guard let (path, bytes) = located, !bytes.isEmpty else { return first }
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var position = bytes.lowerBound
        let end = min(bytes.upperBound, bytes.lowerBound + Self.maxBytes)
        var number = first
        var partial: [UInt8] = []
        while position < end {
            let length = min(Self.chunkBytes, end - position)
            let offset = position
            let chunk = try await NIOThreadPool.singleton.runIfActive {
                try handle.seek(toOffset: UInt64(offset))
                return try handle.read(upToCount: length) ?? Data()
            }
            guard !chunk.isEmpty else { break }
            position += chunk.count
            var views: [LogLineView] = []
            for byte in chunk {
                if byte == UInt8(ascii: "\n") {
                    views.append(LogLineView(storedLine: String(decoding: partial, as: UTF8.self), number: number))
                    number += 1
                    partial.removeAll(keepingCapacity: true)
                } else if partial.count < Self.maxBytes {
                    // Whole, so that its level is read; only its message is cut for the page.
                    partial.append(byte)
                }
            }
            try await consume(views)
        }
        if number == first, !partial.isEmpty {
            // One line longer than a whole page: shown cut, so that the next page moves on.
            try await consume([LogLineView(storedLine: String(decoding: partial, as: UTF8.self), number: number)])
            number += 1
        }
        return number
    }
}
