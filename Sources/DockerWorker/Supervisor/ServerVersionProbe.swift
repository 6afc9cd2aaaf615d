import Foundation
import LavaClient
import LavaCore
import Logging

/// Asks the server its version (spec §2.6) until it answers, with a jittered back-off and a
/// status that says since when the server is unreachable. A server that answers without a
/// version is not LAVA: that is final.
struct ServerVersionProbe: Sendable {
    let client: LavaServerClient
    let logger: Logger
    let status: any SupervisorStatus
    let pause: Duration
    let maximumPause: Duration

    /// One question: the version, nil while the server is unreachable.
    func ask() async throws(SupervisorError) -> String? {
        do {
            return try await client.serverVersion()
        } catch {
            if error.isTransient || (400 ..< 500).contains(error.status) && error.status != 404 { return nil }
            throw .notLAVA(url: client.baseURL)
        }
    }

    /// Asks until the server answers; nil when the task is cancelled first.
    func wait() async throws(SupervisorError) -> String? {
        var failures = 0
        var since: Date?
        while !Task.isCancelled {
            if let version = try await ask() {
                if since != nil { logger.info("the server answers again") }
                return version
            }
            failures += 1
            let first = since ?? Date()
            since = first
            let delay = RetryDelay(ceiling: maximumPause).after(failures: failures, random: Double.random(in: 0 ... 1))
            let next = max(delay, pause)
            status.status("server unreachable since \(UTCTimestamp.isoformat(first)); next try in \(next.components.seconds) s")
            logger.warning("\(client.baseURL) does not answer (\(failures) in a row); trying again in \(next.components.seconds) s")
            try? await Task.sleep(for: next)
        }
        return nil
    }
}
