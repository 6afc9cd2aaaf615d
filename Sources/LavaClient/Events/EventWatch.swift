import Curl
import LavaCore
import Logging

/// A listener of the server's event stream (`--ws-url`; LAVA's `listen_for_events`) that nudges
/// its owner when a message matters to it: lava-worker pings at once when a job is scheduled on
/// it or canceled; lava-docker-worker asks the server's version at once on an announcement.
///
/// A worker identifies itself with `LAVA-Host` and `LAVA-Token`, so the server also sends the
/// events of its private jobs; the supervisor listens anonymously (it needs no job's events).
/// Each time a connection is made, including the first, it nudges too: events
/// sent while it was not connected (a server restart, the worker's own start) were missed. A
/// dropped connection is made again after a back-off of one second doubling to `retry.ceiling`,
/// with jitter; a connection the server accepted starts the back-off over (one it refused, with
/// LAVA's `{"error": ...}` frame, does not). A server without the stream (404) is asked again
/// every `retry.ceiling`, and said so once.
public struct EventWatch: Sendable {
    public let url: String
    /// The worker's name and token, sent as `LAVA-Host` and `LAVA-Token`; nil: anonymous.
    public let identity: (name: String, token: String)?
    /// Whether a message should nudge.
    public let nudges: @Sendable (String) -> Bool
    public let configuration: CurlConfiguration
    public var options = WebSocketConnection.Options()
    public var retry = RetryDelay(ceiling: .seconds(30))
    /// What happens without the stream, for the log: "jobs start at the next ping".
    public var meanwhile = "jobs start at the next ping"
    private let logger: Logger

    /// lava-worker's: LAVA's rule for the worker `name` (`EventNudge.nudges`).
    public init(url: String, name: String, token: String, configuration: CurlConfiguration, logger: Logger) {
        self.init(url: url, identity: (name, token), configuration: configuration, logger: logger) { EventNudge.nudges($0, worker: name) }
    }

    public init(url: String, identity: (name: String, token: String)?, configuration: CurlConfiguration, logger: Logger,
                nudges: @escaping @Sendable (String) -> Bool) {
        self.url = url
        self.identity = identity
        self.nudges = nudges
        self.configuration = configuration
        self.logger = logger
    }

    /// Listens until the calling task is cancelled, calling `nudge` when the worker should ping.
    public func run(nudge: @escaping @Sendable () -> Void) async {
        var failures = 0
        // The problem last logged: one that repeats is logged once, until the stream works again.
        var reported: String?
        func report(_ problem: String, level: Logger.Level) {
            guard problem != reported else { return }
            logger.log(level: level, "\(problem)")
            reported = problem
        }
        func working() {
            if reported != nil { logger.info("the server's event stream at \(url) works again") }
            reported = nil
        }
        while !Task.isCancelled {
            var connected = false
            var refused = false
            let error: WebSocketError
            do {
                let connection = try await WebSocketConnection.connect(
                    url: url, headers: identity.map { [("LAVA-Host", $0.name), ("LAVA-Token", $0.token)] } ?? [],
                    configuration: configuration, options: options)
                connected = true
                logger.debug("listening to the server's events at \(url)")
                nudge()
                while let message = try await connection.receive() {
                    guard case .text(let text) = message else { continue }
                    if let refusal = EventNudge.refusal(text) {
                        refused = true
                        report("the server refuses this event stream: \(refusal); \(meanwhile)", level: .warning)
                        continue
                    }
                    if !refused { working() }
                    if nudges(text) {
                        logger.debug("event that matters here, acting now: \(text)")
                        nudge()
                    }
                }
                let reason = connection.closing.map { " (\($0.code.map(String.init) ?? "no code")\($0.reason.isEmpty ? "" : ": \($0.reason)"))" } ?? ""
                error = WebSocketError(.connection(code: -1), "the server closed the event stream\(reason)")
            } catch let thrown {
                error = thrown
            }
            if error.kind == .cancelled || Task.isCancelled { return }
            if connected, !refused { failures = 0 }
            failures += 1
            let delay: Duration
            if error.refusedStatus == 404 {
                report("\(url) has no event stream (HTTP 404: an older server?); \(meanwhile), and the stream is asked for again every \(retry.ceiling)", level: .info)
                delay = retry.ceiling
            } else {
                if !refused { report("event stream: \(error); connecting again with back-off (\(meanwhile) meanwhile)", level: .warning) }
                delay = retry.after(failures: failures)
            }
            try? await Task.sleep(for: delay)
        }
    }
}
