import CSystemd
import Foundation
import Logging

/// A swift-log handler writing structured entries to the systemd journal, so the supervisor's
/// lines and the worker container's (tagged with metadata such as LAVA_WORKER_CONTAINER) can be
/// filtered with `journalctl LAVA_WORKER_CONTAINER=…`.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    /// SYSLOG_IDENTIFIER, what `journalctl -t` selects and what precedes each line.
    public let identifier: String

    public init(identifier: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.identifier = identifier
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Failures are dropped: there is nowhere left to log them, and a journal that is gone
    /// (journald restarting) must not stop the service.
    public func log(event: LogEvent) {
        _ = Self.send(fields(for: event))
    }

    /// The entry for `event`: the handler's metadata, then the provider's, then the event's,
    /// later ones winning on the same key.
    public func fields(for event: LogEvent) -> [JournalField] {
        var merged = metadata
        if let provided = metadataProvider?.get() {
            merged.merge(provided) { $1 }
        }
        if let own = event.metadata {
            merged.merge(own) { $1 }
        }
        return JournalFields.fields(for: event, identifier: identifier, metadata: merged)
    }

    /// Whether stderr goes to the journal: systemd sets JOURNAL_STREAM to "<device>:<inode>" of
    /// the stream it connected, and the match guards against a variable inherited by a child
    /// whose stderr was redirected elsewhere (sd_journal_stream_fd(3), systemd.exec(5)).
    public static var isConnected: Bool {
        guard let stream = getenv("JOURNAL_STREAM").map({ String(cString: $0) }) else { return false }
        var status = stat()
        guard fstat(STDERR_FILENO, &status) == 0 else { return false }
        return stream == "\(status.st_dev):\(status.st_ino)"
    }

    /// sd_journal_sendv's result: 0, or a negative errno.
    static func send(_ fields: [JournalField]) -> Int32 {
        // All fields in one buffer, each iovec a slice of it: lengths, not NULs, delimit the
        // fields, so values may hold any byte, newlines included.
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for field in fields {
            let start = bytes.count
            bytes += Array(field.description.utf8)
            ranges.append(start..<bytes.count)
        }
        return bytes.withUnsafeMutableBytes { buffer in
            var vectors = ranges.map { range in
                iovec(iov_base: buffer.baseAddress.map { $0 + range.lowerBound }, iov_len: range.count)
            }
            return sd_journal_sendv(&vectors, Int32(vectors.count))
        }
    }
}
