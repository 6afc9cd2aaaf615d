import Foundation
import LavaClient
import LavaCore
import Logging
import ServiceLifecycle

/// The one asker of the server's version (spec §2.6): every `interval` while it answers, with a
/// jittered back-off from `retryPause` to `maximumRetryPause` while it does not, and at once on
/// `askNow()`. Its answers feed the supervisor's machine (which starts, adopts and pulls ahead
/// by them) and, through it, systemd's watchdog.
public final class ServerVersionMonitor: Service, Sendable {
    public let answers: AsyncStream<SupervisorEvent>
    private let continuation: AsyncStream<SupervisorEvent>.Continuation
    private let client: LavaServerClient
    private let interval: Duration
    private let retryPause: Duration
    private let maximumRetryPause: Duration
    private let logger: Logger
    private let alarm = Alarm()

    public init(client: LavaServerClient, interval: Duration, retryPause: Duration, maximumRetryPause: Duration, logger: Logger) {
        // Only the latest news matters to a machine that is busy.
        (answers, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(4))
        self.client = client
        self.interval = interval
        self.retryPause = retryPause
        self.maximumRetryPause = maximumRetryPause
        self.logger = logger
    }

    /// The next question is asked now rather than at its time.
    public func askNow() {
        alarm.ring(.askNow)
    }

    public func run() async {
        await cancelWhenGracefulShutdown { [self] in
            var failures = 0
            var since: Date?
            while !Task.isCancelled {
                let delay: Duration
                let outcome = await ask()
                // A cancelled request reads as an unreachable server: not news at the end.
                if Task.isCancelled { break }
                switch outcome {
                case .answered(let answer):
                    if since != nil { logger.info("the server answers again") }
                    failures = 0
                    since = nil
                    continuation.yield(.serverAnswered(answer))
                    delay = interval
                case .unreachable(let error):
                    failures += 1
                    let first = since ?? Date()
                    since = first
                    let jittered = RetryDelay(ceiling: maximumRetryPause).after(failures: failures, random: Double.random(in: 0 ... 1))
                    delay = max(jittered, retryPause)
                    logger.warning("\(client.baseURL) does not answer (\(failures) in a row): \(error); trying again in \(delay.components.seconds) s")
                    continuation.yield(.serverUnreachable(since: UTCTimestamp.isoformat(first), failures: failures, nextTry: delay))
                case .notLAVA:
                    continuation.yield(.serverNotLAVA(url: client.baseURL))
                    delay = interval
                }
                _ = await alarm.wait(until: .now + delay)
            }
        }
        continuation.finish()
    }

    enum Outcome {
        case answered(VersionResponse)
        case unreachable(WorkerAPIError)
        case notLAVA
    }

    /// A server that answers without a version (or 404s the path) is not LAVA; one that fails
    /// otherwise is down, restarting, or behind a proxy that refuses for now.
    private func ask() async -> Outcome {
        do {
            return .answered(try await client.serverVersion())
        } catch {
            if error.isTransient || (400 ..< 500).contains(error.status) && error.status != 404 { return .unreachable(error) }
            return .notLAVA
        }
    }
}

extension Alarm.Rings {
    static let askNow = Self(rawValue: 1)
}
