import LavaCore

/// Where a job's log is kept (`jobs.log_store`): chosen when the job is submitted, changed only
/// by `lava-server logs migrate`.
public enum LogStoreKind: Int, Sendable, CaseIterable, CustomStringConvertible {
    /// LAVA's files under the data directory.
    case files = 0
    /// The server's database: every instance reads every log without a shared filesystem.
    case database = 1

    public var description: String { self == .files ? "files" : "database" }

    public init?(name: String) {
        guard let kind = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = kind
    }
}

/// Names a job's log: by the job's id, its submit day (LAVA's directory layout), and its store.
public struct JobLogKey: Sendable, Hashable {
    public var id: Int
    public var submitTime: Double
    public var store: LogStoreKind

    public init(id: Int, submitTime: Double, store: LogStoreKind) {
        self.id = id
        self.submitTime = submitTime
        self.store = store
    }
}

extension JobRecord {
    var logKey: JobLogKey { JobLogKey(id: id, submitTime: submitTime, store: logStore) }
}

/// The files LAVA keeps beside a job's log (spec §2.3 step 4, §5.3), by their name there: what
/// the worker was handed, lava-run's pipeline description, and each result's `extra` data in
/// `metadata/`.
enum JobFile: Sendable, Equatable {
    case job, device, dispatcher, env, envDUT, description
    /// `metadata/<definition>-<case>-<level>.yaml`: a name checked to be one plain file name.
    case metadata(PathComponent)

    /// The file at `path` beside a log, nil for a name no such file has.
    init?(path: String) {
        if path.hasPrefix("metadata/") {
            guard let name = try? PathComponent(String(path.dropFirst("metadata/".count))) else { return nil }
            self = .metadata(name)
            return
        }
        guard let file = [JobFile.job, .device, .dispatcher, .env, .envDUT, .description].first(where: { $0.path == path }) else { return nil }
        self = file
    }

    var path: String {
        switch self {
        case .job: "job.yaml"
        case .device: "device.yaml"
        case .dispatcher: "dispatcher.yaml"
        case .env: "env.yaml"
        case .envDUT: "env-dut.yaml"
        case .description: "description.yaml"
        case .metadata(let name): "metadata/\(name.name)"
        }
    }
}

/// Who appends to a log.
enum LogWriter: Sendable {
    /// The job's worker, through a log upload: only while the job is on it.
    case worker
    /// A copy of lines already accepted (`lava-server logs migrate`, a batch written again to
    /// the store a log was moved to): whatever the job's state.
    case copy
}

/// A worker's log batch for a job that has ended or left it meanwhile: LAVA's answer is the
/// same as for a job not on the worker.
struct JobLeftWorker: Error {}

/// Where jobs' logs and their files are kept. Lines are numbered from 0 in the order stored; a
/// batch names the number of its first line, and lines already stored under a number are never
/// stored again, so a batch sent twice (or to two instances) is stored once.
protocol JobLogStore: Sendable {
    /// Appends the lines of a batch its sender numbered from `index`, skipping those already
    /// stored. A sender ahead of the store (it believes more is stored than is) gets its whole
    /// batch stored rather than dropped. A worker's batch is refused with `JobLeftWorker` once
    /// the job is no longer on a worker: the database store checks that under the job's row
    /// lock, which a job's end waits for; the files store cannot, and relies on the upload's
    /// check before it.
    func append(_ job: JobLogKey, index: Int, lines: [String], by writer: LogWriter) async throws -> AppendOutcome

    /// How many lines are stored; nil when the job has no log yet.
    func count(_ job: JobLogKey) async throws -> Int?

    /// The bytes lines `range` take (clamped to what is stored), line feeds included.
    func byteCount(_ job: JobLogKey, lines range: Range<Int>) async throws -> Int

    /// Lines `range` (clamped), each ending in a line feed, handed to `consume` in chunks of
    /// whole lines with their count, never the whole range at once; `consume` returns false to
    /// stop.
    func read(_ job: JobLogKey, lines range: Range<Int>, _ consume: (_ bytes: [UInt8], _ lines: Int) async throws -> Bool) async throws

    func save(_ job: JobLogKey, _ file: JobFile, text: String) async throws

    /// The file's text, nil when there is none.
    func file(_ job: JobLogKey, _ file: JobFile) async throws -> String?

    /// The files kept beside the job's log.
    func files(_ job: JobLogKey) async throws -> [JobFile]
}

extension JobLogStore {
    /// Lines `start..<start + count` (clamped), without their line feeds: what a resent batch is
    /// checked against.
    func lines(_ job: JobLogKey, start: Int, count: Int) async throws -> [String] {
        var lines: [String] = []
        try await read(job, lines: start..<(start + count)) { bytes, _ in
            lines += JobLogLines.split(bytes)
            return true
        }
        return lines
    }
}

/// Stored lines back from a chunk of a read.
enum JobLogLines {
    /// The lines of `bytes` (whole lines, each ending in a line feed), without their line feeds.
    static func split(_ bytes: [UInt8]) -> [String] {
        bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
            .map { String(decoding: $0, as: UTF8.self) }
    }
}
