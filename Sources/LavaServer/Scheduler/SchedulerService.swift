import AsyncAlgorithms
import Logging
import ServiceLifecycle

/// Runs scheduler passes every `schedulerInterval` seconds, and at once when woken (a job was
/// submitted or ended in this process), until graceful shutdown.
public struct SchedulerService: Service {
    let server: Server
    let wakeUps: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    public init(server: Server) {
        self.server = server
        (wakeUps, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a pass as soon as the current one is done.
    public func wake() {
        continuation.yield()
    }

    public func run() async throws {
        let pass = SchedulerPass(server: server)
        let ticks = AsyncTimerSequence(interval: .milliseconds(Int(server.configuration.schedulerInterval * 1000)), clock: .continuous)
            .map { _ in () }
        for await _ in merge(ticks, wakeUps).cancelOnGracefulShutdown() {
            do {
                let summary = try await pass.run()
                if summary != SchedulerPass.Summary() {
                    server.logger.info("scheduler: assigned \(summary.jobsAssigned), ended \(summary.jobsEnded), offline \(summary.workersOffline)")
                }
            } catch {
                server.logger.error("scheduler pass failed, retrying at the next tick: \(String(reflecting: error))")
            }
        }
    }
}
