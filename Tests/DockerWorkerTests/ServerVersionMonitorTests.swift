import DockerWorker
import Foundation
import LavaClient
import LavaCore
import LavaTestSupport
import Logging
import Testing

/// The one asker of the server's version, against real HTTP on loopback: what it tells the
/// machine, and that `askNow` does not wait for the next check.
@Suite struct ServerVersionMonitorTests {
    /// The monitor of `url` with checks an hour apart, so that every answer after the first
    /// comes from `askNow`; `body` gets its answers.
    static func watching(_ url: String, _ body: (ServerVersionMonitor, inout AsyncStream<SupervisorEvent>.Iterator) async throws -> Void)
        async throws {
        var logger = Logger(label: "version-monitor")
        logger.logLevel = .critical
        let monitor = ServerVersionMonitor(client: try LavaServerClient(url: url, agent: "test"), interval: .seconds(3600),
                                           retryPause: .seconds(3600), maximumRetryPause: .seconds(3600), logger: logger)
        let running = Task { await monitor.run() }
        defer { running.cancel() }
        var answers = monitor.answers.makeAsyncIterator()
        try await body(monitor, &answers)
    }

    @Test("a LAVA server: its answer at once, and again at once on askNow, not an hour later")
    func answers() async throws {
        try await FileServer.run(files: ["api/v0.2/system/version/": Data(#"{"version": "2026.11"}"#.utf8)]) { base in
            try await Self.watching(base + "/") { monitor, answers in
                #expect(await answers.next() == .serverAnswered(VersionResponse(version: "2026.11")))
                monitor.askNow()
                #expect(await answers.next() == .serverAnswered(VersionResponse(version: "2026.11")))
            }
        }
    }

    @Test("nothing listening: unreachable, counted in a row, the next try at the back-off's pause")
    func unreachable() async throws {
        // Held, not listening: refused throughout, and no other test's server can take it.
        let port = try FreePort.reserve()
        defer { port.release() }
        try await Self.watching("http://127.0.0.1:\(port.port)/") { monitor, answers in
            for failures in 1...2 {
                guard case .serverUnreachable(_, let counted, let next) = await answers.next() else {
                    Issue.record("not unreachable at try \(failures)")
                    return
                }
                #expect(counted == failures)
                #expect(next == .seconds(3600))
                monitor.askNow()
            }
        }
    }

    @Test("a server that answers without LAVA's version path (404): not LAVA")
    func notLAVA() async throws {
        try await FileServer.run(files: [:]) { base in
            try await Self.watching(base + "/") { _, answers in
                #expect(await answers.next() == .serverNotLAVA(url: base))
            }
        }
    }
}
