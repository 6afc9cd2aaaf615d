import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Job logs on disk in LAVA's layout (spec §5.3): `<root>/job-output/YYYY/MM/DD/<id>/output.yaml`
/// holds the lines, `output.idx` one 8-byte native-endian offset per line.
///
/// Appends are crash-safe and shared between processes: each runs under `flock` on the index,
/// writes and syncs the lines first and the index after, and first cuts any tail a crash left
/// behind (bytes past the last indexed line, a partial index entry). A line counts as stored
/// only once its offset is in the index.
public struct JobLogFiles: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    public func directory(jobID: Int, submitTime: Double) -> URL {
        let date = Date(timeIntervalSince1970: submitTime)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let path = String(format: "job-output/%04d/%02d/%02d/%d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1, jobID)
        return root.appendingPathComponent(path, isDirectory: true)
    }

    /// Appends the lines of a batch the sender numbered from `index`, skipping those already
    /// stored. Returns the number of the first line of the batch in the log.
    public func append(jobID: Int, submitTime: Double, index: Int, lines: [String]) throws(LogStorageError) -> AppendOutcome {
        let directory = directory(jobID: jobID, submitTime: submitTime)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw LogStorageError("cannot create \(directory.path): \(error.localizedDescription)")
        }
        let indexFile = try File(directory.appendingPathComponent("output.idx").path)
        defer { indexFile.close() }
        let dataFile = try File(directory.appendingPathComponent("output.yaml").path)
        defer { dataFile.close() }
        try indexFile.lock()

        var stored = try indexFile.size() / 8
        try indexFile.truncate(to: stored * 8)
        let validEnd = try endOfLastLine(index: indexFile, data: dataFile, count: stored)
        if try dataFile.size() != validEnd {
            try dataFile.truncate(to: validEnd)
        }
        let (firstLine, fresh) = AppendOutcome.placing(lines, at: index, stored: stored)
        guard !fresh.isEmpty else { return AppendOutcome(firstLine: firstLine, appended: 0) }

        var bytes: [UInt8] = []
        var offsets: [UInt64] = []
        offsets.reserveCapacity(fresh.count)
        var offset = UInt64(validEnd)
        for line in fresh {
            offsets.append(offset)
            bytes.append(contentsOf: line.utf8)
            if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
            offset = UInt64(validEnd + bytes.count)
        }
        try dataFile.write(bytes, at: validEnd)
        try dataFile.sync()
        let indexBytes = offsets.withUnsafeBytes { Array($0) }
        try indexFile.write(indexBytes, at: stored * 8)
        try indexFile.sync()
        stored += fresh.count
        return AppendOutcome(firstLine: firstLine, appended: fresh.count)
    }

    /// Where stored lines `start..<end` (clamped) lie in `output.yaml`: the file and a byte range,
    /// nil if the job has no log. Callers stream the bytes instead of loading a log of millions
    /// of lines into memory.
    public func byteRange(jobID: Int, submitTime: Double, start: Int = 0, end: Int? = nil) throws(LogStorageError) -> (path: String, bytes: Range<Int>)? {
        let directory = directory(jobID: jobID, submitTime: submitTime)
        let indexPath = directory.appendingPathComponent("output.idx").path
        guard FileManager.default.fileExists(atPath: indexPath) else { return nil }
        let dataPath = directory.appendingPathComponent("output.yaml").path
        let indexFile = try File(indexPath)
        defer { indexFile.close() }
        let dataFile = try File(dataPath)
        defer { dataFile.close() }
        let count = try indexFile.size() / 8
        let lower = min(max(start, 0), count)
        let upper = min(max(end ?? count, lower), count)
        guard lower < upper else { return (dataPath, 0..<0) }
        let from = try offset(index: indexFile, line: lower)
        let to = upper < count ? try offset(index: indexFile, line: upper) : try endOfLastLine(index: indexFile, data: dataFile, count: count)
        return (dataPath, from..<to)
    }

    /// How many records the job's log holds (0 before its first upload).
    public func recordCount(jobID: Int, submitTime: Double) throws(LogStorageError) -> Int {
        let indexPath = directory(jobID: jobID, submitTime: submitTime).appendingPathComponent("output.idx").path
        guard FileManager.default.fileExists(atPath: indexPath) else { return 0 }
        let indexFile = try File(indexPath)
        defer { indexFile.close() }
        return try indexFile.size() / 8
    }

    private func offset(index: File, line: Int) throws(LogStorageError) -> Int {
        let bytes = try index.read(count: 8, at: line * 8)
        guard bytes.count == 8 else { throw LogStorageError("log index is shorter than its size says") }
        return Int(bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
    }

    /// The byte after the newline that ends line `count - 1`.
    private func endOfLastLine(index: File, data: File, count: Int) throws(LogStorageError) -> Int {
        guard count > 0 else { return 0 }
        var position = try offset(index: index, line: count - 1)
        while true {
            let chunk = try data.read(count: 65536, at: position)
            if let newline = chunk.firstIndex(of: UInt8(ascii: "\n")) {
                return position + newline + 1
            }
            guard !chunk.isEmpty else {
                throw LogStorageError("log file ends inside its last indexed line; the job's log directory is damaged")
            }
            position += chunk.count
        }
    }
}

public struct AppendOutcome: Sendable, Equatable {
    /// Log line number of the batch's first record.
    public var firstLine: Int
    /// How many of the batch's lines were new.
    public var appended: Int

    /// Where a batch its sender numbered from `index` goes in a log of `stored` lines, and the
    /// part of it not stored yet: the rule every store keeps. Already stored records are lines
    /// `index...`, whatever the sender resends; a sender that believes more is stored than is
    /// (the server lost lines) gets its whole batch stored rather than dropped.
    static func placing(_ lines: [String], at index: Int, stored: Int) -> (firstLine: Int, fresh: ArraySlice<String>) {
        (min(index, stored), lines[min(max(stored - index, 0), lines.count)...])
    }
}

public struct LogStorageError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// A file descriptor with the few calls the log store needs, throwing on failure.
private struct File {
    let fd: Int32
    let path: String

    init(_ path: String) throws(LogStorageError) {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        self.path = path
        guard fd >= 0 else { throw Self.failure("open", path) }
    }

    func close() { _ = Glibc.close(fd) }

    func lock() throws(LogStorageError) {
        guard flock(fd, LOCK_EX) == 0 else { throw Self.failure("lock", path) }
    }

    func size() throws(LogStorageError) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Self.failure("stat", path) }
        return Int(info.st_size)
    }

    func truncate(to size: Int) throws(LogStorageError) {
        guard ftruncate(fd, off_t(size)) == 0 else { throw Self.failure("truncate", path) }
    }

    func write(_ bytes: [UInt8], at offset: Int) throws(LogStorageError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                pwrite(fd, buffer.baseAddress! + written, buffer.count - written, off_t(offset + written))
            }
            guard result > 0 else { throw Self.failure("write", path) }
            written += result
        }
    }

    func read(count: Int, at offset: Int) throws(LogStorageError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var total = 0
        while total < count {
            let result = buffer.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + total, count - total, off_t(offset + total))
            }
            guard result >= 0 else { throw Self.failure("read", path) }
            if result == 0 { break }
            total += result
        }
        return Array(buffer[0..<total])
    }

    func sync() throws(LogStorageError) {
        guard fdatasync(fd) == 0 else { throw Self.failure("sync", path) }
    }

    private static func failure(_ operation: String, _ path: String) -> LogStorageError {
        LogStorageError("cannot \(operation) \(path): \(String(cString: strerror(errno)))")
    }
}
