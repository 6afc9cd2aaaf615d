import Foundation
import LavaCore
import NIOPosix

/// The files store's side of `JobLogStore`: every file call runs on the thread pool (writes
/// sync to disk), and a read goes `chunkBytes` at a time, so a log of millions of lines is
/// never held whole.
extension JobLogFiles: JobLogStore {
    static let chunkBytes = 256 * 1024

    func append(_ job: JobLogKey, index: Int, lines: [String], by writer: LogWriter) async throws -> AppendOutcome {
        try await NIOThreadPool.singleton.runIfActive {
            try append(jobID: job.id, submitTime: job.submitTime, index: index, lines: lines)
        }
    }

    func count(_ job: JobLogKey) async throws -> Int? {
        try await NIOThreadPool.singleton.runIfActive {
            try byteRange(jobID: job.id, submitTime: job.submitTime, start: 0, end: 0) == nil
                ? nil : try recordCount(jobID: job.id, submitTime: job.submitTime)
        }
    }

    func byteCount(_ job: JobLogKey, lines range: Range<Int>) async throws -> Int {
        try await NIOThreadPool.singleton.runIfActive {
            try byteRange(jobID: job.id, submitTime: job.submitTime, start: range.lowerBound, end: range.upperBound)?.bytes.count ?? 0
        }
    }

    func read(_ job: JobLogKey, lines range: Range<Int>, _ consume: ([UInt8], Int) async throws -> Bool) async throws {
        let located = try await NIOThreadPool.singleton.runIfActive {
            try byteRange(jobID: job.id, submitTime: job.submitTime, start: range.lowerBound, end: range.upperBound)
        }
        guard let (path, bytes) = located, !bytes.isEmpty else { return }
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var position = bytes.lowerBound
        // A line longer than a chunk is carried until its end: the upload limit bounds it.
        var carried: [UInt8] = []
        while position < bytes.upperBound {
            let (offset, length) = (position, min(Self.chunkBytes, bytes.upperBound - position))
            let chunk = try await NIOThreadPool.singleton.runIfActive {
                try handle.seek(toOffset: UInt64(offset))
                return try handle.read(upToCount: length) ?? Data()
            }
            guard !chunk.isEmpty else { throw LogStorageError("\(path) ends before its index says") }
            position += chunk.count
            carried.append(contentsOf: chunk)
            guard let last = carried.lastIndex(of: UInt8(ascii: "\n")) else { continue }
            let whole = Array(carried[...last])
            carried.removeFirst(last + 1)
            guard try await consume(whole, whole.count { $0 == UInt8(ascii: "\n") }) else { return }
        }
    }

    func save(_ job: JobLogKey, _ file: JobFile, text: String) async throws {
        let url = directory(jobID: job.id, submitTime: job.submitTime).appendingPathComponent(file.path)
        try await NIOThreadPool.singleton.runIfActive {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    func files(_ job: JobLogKey) async throws -> [JobFile] {
        let directory = directory(jobID: job.id, submitTime: job.submitTime)
        return try await NIOThreadPool.singleton.runIfActive {
            let metadata = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("metadata").path)) ?? []
            return ([JobFile.job, .device, .dispatcher, .env, .envDUT, .description].map(\.path) + metadata.sorted().map { "metadata/\($0)" })
                .filter { FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
                .compactMap(JobFile.init(path:))
        }
    }

    func file(_ job: JobLogKey, _ file: JobFile) async throws -> String? {
        let url = directory(jobID: job.id, submitTime: job.submitTime).appendingPathComponent(file.path)
        return try await NIOThreadPool.singleton.runIfActive { try? String(contentsOf: url, encoding: .utf8) }
    }
}
