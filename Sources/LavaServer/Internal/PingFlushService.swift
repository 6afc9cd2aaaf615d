import AsyncAlgorithms
import ServiceLifecycle

/// Writes the ping ledger every second, and once more on graceful shutdown.
struct PingFlushService: Service {
    let server: Server

    func run() async throws {
        let ticks = AsyncTimerSequence(interval: .seconds(1), clock: .continuous)
        for await _ in ticks.cancelOnGracefulShutdown() {
            do {
                try await server.pings.flush(to: server.database)
            } catch {
                server.logger.error("writing ping times failed, retrying in 1 s: \(String(reflecting: error))")
            }
        }
        try await server.pings.flush(to: server.database)
    }
}
