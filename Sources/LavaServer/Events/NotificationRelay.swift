import Foundation
import LavaCore
import Logging
import PostgresKit
import ServiceLifecycle
import Synchronization

/// On PostgreSQL, what brings every instance's and scheduler's events to this instance's
/// listeners: one connection of its own that LISTENs on `lava_events` and publishes each
/// notification on the bus. A lost connection is made again after a jittered back-off; the
/// events of the gap are lost, as they are to a client that reconnects (the stream is a nudge,
/// the state is in the database and the API).
final class NotificationRelay: Service, Sendable {
    private let configuration: PostgresConnection.Configuration
    private let bus: EventBus
    private let logger: Logger
    private let retry = RetryDelay(ceiling: .seconds(30))
    private let state = Mutex(Listening())

    private struct Listening {
        var now = false
        var next = 0
        var waiting: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    init(url: String, bus: EventBus, logger: Logger) throws {
        configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        self.bus = bus
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            var failures = 0
            while !Task.isCancelled {
                do {
                    try await relay { failures = 0 }
                } catch {
                    if Task.isCancelled { break }
                    failures += 1
                    logger.warning("event relay lost PostgreSQL (\(failures) in a row): \(String(reflecting: error))")
                }
                setListening(false)
                guard (try? await Task.sleep(for: retry.after(failures: max(failures, 1)))) != nil else { break }
            }
        }
        setListening(false)
    }

    /// Returns once notifications are being received, or the task is cancelled (tests, which
    /// must not miss a server's first events).
    func waitUntilListening() async {
        let id = state.withLock { state in
            defer { state.next += 1 }
            return state.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resume = state.withLock { state in
                    guard !state.now, !Task.isCancelled else { return true }
                    state.waiting[id] = continuation
                    return false
                }
                if resume { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiting.removeValue(forKey: id) }?.resume()
        }
    }

    private func relay(onListening: () -> Void) async throws {
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        do {
            try await connection.listen(on: NotifyOutlet.channel) { notifications in
                onListening()
                setListening(true)
                for try await notification in notifications {
                    publish(notification.payload)
                }
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    private func publish(_ payload: String) {
        do {
            bus.publish([try JSONDecoder().decode(ServerEvent.self, from: Data(payload.utf8))])
        } catch {
            logger.error("event relay: a notification on \(NotifyOutlet.channel) is not an event (\(error)); skipped")
        }
    }

    private func setListening(_ listening: Bool) {
        let waiting = state.withLock { state in
            state.now = listening
            guard listening else { return [CheckedContinuation<Void, Never>]() }
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        for continuation in waiting { continuation.resume() }
    }
}
