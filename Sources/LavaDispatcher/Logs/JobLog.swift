import Foundation
import LavaCore
import Synchronization

/// lava-run's log: every record numbered as the server will number it (so `starttc`/`endtc`
/// name server lines, spec §5.1), secrets masked, and handed to the uploader or printed.
public final class JobLog: Sendable {
    public enum Destination: Sendable {
        case server(LogUploader)
        /// No `--url`: the records go to standard output as `- ` list items (LAVA: stderr).
        case standardOutput
    }

    private let destination: Destination
    private let echo: Bool
    private let secrets: [(text: String, bytes: [UInt8])]
    private let count = Mutex(0)

    /// - Parameters:
    ///   - secrets: values replaced by `[MASKED]` in every record (the job's `secrets` and token).
    ///   - echo: also print each record (lava-run `--debug`).
    public init(_ destination: Destination, secrets: [String], echo: Bool = false) {
        self.destination = destination
        self.secrets = secrets.filter { !$0.isEmpty }.map { ($0, Array($0.utf8)) }
        self.echo = echo
    }

    public func info(_ message: String) { log("info", message) }
    public func debug(_ message: String) { log("debug", message) }
    public func warning(_ message: String) { log("warning", message) }
    public func error(_ message: String) { log("error", message) }
    /// A line the DUT printed; returns its line index.
    @discardableResult
    public func target(_ message: String) -> Int { log("target", message) }

    /// Returns the record's line index.
    @discardableResult
    public func log(_ level: String, _ message: String) -> Int {
        emit(LogLine(level: level, message: message).encoded())
    }

    /// A record already in LAVA's text form (a `results` record, say); returns its line index.
    @discardableResult
    public func emit(_ record: String) -> Int {
        var line = record
        // A byte search first: Foundation's `contains` costs more than the rest of a line's path.
        for secret in secrets where ByteSearch.contains(line, secret.bytes) {
            line = line.replacingOccurrences(of: secret.text, with: "[MASKED]")
        }
        let index = count.withLock { count in
            // Under the lock, so the numbering and the order of the records agree.
            defer { count += 1 }
            switch destination {
            case .server(let uploader): uploader.append(line)
            case .standardOutput: print("- " + line)
            }
            return count
        }
        if echo, case .server = destination { print("- " + line) }
        return index
    }
}
