import Foundation

/// Reads one page of a job's stored log, `first..<first + count` records, in chunks, handing
/// the records on as they are read: a page is never held whole, and a page of huge lines stops
/// at `maxBytes`, so a 1,000,000-line log or a hostile sender's lines cannot exhaust memory.
struct LogPageReader: Sendable {
    let logs: any JobLogStore
    let job: JobRecord

    static let maxBytes = 4 * 1024 * 1024

    /// The number of records stored so far.
    func count() async throws -> Int {
        try await logs.count(job.logKey) ?? 0
    }

    /// Calls `consume` with the records from `first`, a chunk at a time, until `count` records
    /// or `maxBytes` bytes (always at least one record); returns the number of the first record
    /// not read.
    func read(from first: Int, count: Int, _ consume: ([LogLineView]) async throws -> Void) async throws -> Int {
        let end = first.addingReportingOverflow(count).overflow ? Int.max : first + count
        var number = first
        var bytes = 0
        try await logs.read(job.logKey, lines: first..<end) { chunk, _ in
            var views: [LogLineView] = []
            var full = false
            for line in chunk.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast() {
                bytes += line.count + 1
                // The page ends before the record that would take it past `maxBytes`, unless
                // that record is its first: shown cut, so that the next page moves on.
                if bytes > Self.maxBytes, number > first {
                    full = true
                    break
                }
                views.append(LogLineView(storedLine: String(decoding: line, as: UTF8.self), number: number))
                number += 1
            }
            try await consume(views)
            return !full
        }
        return number
    }
}
