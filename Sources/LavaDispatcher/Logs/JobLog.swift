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

    /// What every handle of one log shares: where it goes and how far it is numbered.
    private final class Shared: Sendable {
        struct Numbering {
            var next = 0
            /// Only the tail writes now (`seal()`).
            var sealed = false
        }

        let destination: Destination
        let echo: Bool
        let secrets: [(text: String, bytes: [UInt8])]
        let numbering = Mutex(Numbering())

        init(destination: Destination, echo: Bool, secrets: [(text: String, bytes: [UInt8])]) {
            self.destination = destination
            self.echo = echo
            self.secrets = secrets
        }
    }

    private let shared: Shared
    /// The handle `seal()` returned: it writes after the seal.
    private let isTail: Bool

    /// - Parameters:
    ///   - secrets: values replaced by `[MASKED]` in every record (the job's `secrets` and token).
    ///   - echo: also print each record (lava-run `--debug`).
    public init(_ destination: Destination, secrets: [String], echo: Bool = false) {
        shared = Shared(destination: destination, echo: echo, secrets: secrets.filter { !$0.isEmpty }.map { ($0, Array($0.utf8)) })
        isTail = false
    }

    private init(tailOf shared: Shared) {
        self.shared = shared
        isTail = true
    }

    /// From now on only the returned handle writes; records through any other are dropped. A job
    /// whose cleanup was cut short still has a body that may log its own end once the engine
    /// lets it go: the end already logged must stay the last.
    public func seal() -> JobLog {
        shared.numbering.withLock { $0.sealed = true }
        return JobLog(tailOf: shared)
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

    /// A record already in LAVA's text form (a `results` record, say); returns its line index
    /// (after a seal, a dropped record gets the index the next one will have).
    @discardableResult
    public func emit(_ record: String) -> Int {
        var line = record
        // A byte search first: Foundation's `contains` costs more than the rest of a line's path.
        for secret in shared.secrets where ByteSearch.contains(line, secret.bytes) {
            line = line.replacingOccurrences(of: secret.text, with: "[MASKED]")
        }
        let written = shared.numbering.withLock { numbering -> (index: Int, kept: Bool) in
            guard isTail || !numbering.sealed else { return (numbering.next, false) }
            // Under the lock, so the numbering and the order of the records agree.
            defer { numbering.next += 1 }
            switch shared.destination {
            case .server(let uploader): uploader.append(line)
            case .standardOutput: print("- " + line)
            }
            return (numbering.next, true)
        }
        if written.kept, shared.echo, case .server = shared.destination { print("- " + line) }
        return written.index
    }
}
