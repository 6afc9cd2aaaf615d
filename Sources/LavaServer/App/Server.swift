import Foundation
import Logging

/// What every handler and the scheduler share: configuration, rows, logs, metrics.
public final class Server: Sendable {
    public let configuration: ServerConfiguration
    public let database: any Database
    let logs: JobLogStores
    public let metrics: ServerMetrics
    /// This instance's listeners of `/ws/`.
    let events: EventBus
    /// On PostgreSQL, what brings every instance's events to `events`; `serve` runs it.
    let eventRelay: NotificationRelay?
    let versionPolicy: VersionPolicyCache
    let workerFiles: WorkerConfigFiles
    public let deviceTemplates: DeviceTemplates
    let pings = PingLedger()
    let logger: Logger

    /// Seconds since 1970; tests move it by hand to judge timeouts without waiting.
    let clock: @Sendable () -> Double

    public init(
        configuration: ServerConfiguration, database: any Database, metrics: ServerMetrics = ServerMetrics(),
        logger: Logger = Logger(label: "lava-server"), clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) throws(ServerSetupError) {
        self.configuration = configuration
        self.clock = clock
        let events = EventBus(topicPrefix: configuration.eventTopic, queueLimit: configuration.eventQueueLimit)
        self.events = events
        switch configuration.database {
        case .sqlite:
            // One process serves: a separate scheduler's or admin command's events stay in
            // that process (docs/differences.md).
            eventRelay = nil
            self.database = EventingDatabase(base: database, outlet: InProcessOutlet(bus: events), clock: clock)
        case .postgres(let url):
            do {
                eventRelay = try NotificationRelay(url: url, bus: events, logger: logger)
            } catch {
                throw ServerSetupError("invalid PostgreSQL URL for the event relay: \(error)")
            }
            self.database = EventingDatabase(base: database, outlet: NotifyOutlet(logger: logger), clock: clock)
        }
        self.logs = JobLogStores(dataDirectory: configuration.dataDirectory, database: database)
        self.metrics = metrics
        self.versionPolicy = VersionPolicyCache(database: self.database)
        self.workerFiles = WorkerConfigFiles(root: configuration.configDirectory)
        self.deviceTemplates = DeviceTemplates(directories: configuration.deviceTypeDirectories)
        self.logger = logger
    }

    func now() -> Double { clock() }

    /// The job a route's `:id` names, or LAVA's 404 `Unknown job '<id>'`.
    func job(named context: LavaRequestContext) async throws -> JobRecord {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int(text), let job = try await database.read({ try await JobStore.find($0, id: id) }) else {
            throw APIError.unknownJob(text)
        }
        return job
    }
}
