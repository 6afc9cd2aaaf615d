import Foundation
import Logging
import Synchronization

/// Log lines in LAVA's worker format (`%(asctime)-15s %(levelname)7s %(message)s`, UTC):
/// `2026-11-25 15:20:00,123    INFO job 12: lava-run started (pid 4242)`, to a file or stdout.
public struct WorkerLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let sink: LogSink

    public init(level: Logger.Level, sink: LogSink) {
        logLevel = level
        self.sink = sink
    }

    /// LAVA's `--level` names (DEBUG, INFO, WARN, ERROR; WARNING too), any case.
    public static func level(named name: String) -> Logger.Level? {
        switch name.uppercased() {
        case "DEBUG": .debug
        case "INFO": .info
        case "WARN", "WARNING": .warning
        case "ERROR": .error
        default: nil
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let level: String = switch event.level {
        case .trace, .debug: "DEBUG"
        case .info, .notice: "INFO"
        case .warning: "WARNING"
        case .error: "ERROR"
        case .critical: "CRITICAL"
        }
        let padded = String(repeating: " ", count: max(0, 7 - level.count)) + level
        sink.write("\(Self.timestamp()) \(padded) \(event.message)\n")
    }

    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d,%03d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, now.tv_nsec / 1_000_000)
    }
}

/// Where log lines go: standard output (`--log-file -`) or a file opened for appending.
public final class LogSink: Sendable {
    private let handle: Mutex<FileHandle>

    public static let standardOutput = LogSink(FileHandle.standardOutput)

    private init(_ handle: FileHandle) {
        self.handle = Mutex(handle)
    }

    /// `-` is standard output, as in LAVA.
    public static func open(_ path: String) throws(WorkerSetupError) -> LogSink {
        if path == "-" { return .standardOutput }
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: path) {
                _ = FileManager.default.createFile(atPath: path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
            return LogSink(handle)
        } catch {
            throw WorkerSetupError("cannot write the log file \(path): \(error.localizedDescription); use --log-file - for stdout")
        }
    }

    func write(_ line: String) {
        handle.withLock { try? $0.write(contentsOf: Data(line.utf8)) }
    }
}
