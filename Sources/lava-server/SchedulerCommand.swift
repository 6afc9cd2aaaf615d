import ArgumentParser
import LavaServer
import Logging
import ServiceLifecycle

struct SchedulerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Run the scheduler alone: assign queued jobs, put silent workers offline, end lost jobs.",
        discussion: "Several schedulers and servers may share one PostgreSQL database; they never assign a device twice."
    )

    @OptionGroup var storage: StorageOptions

    @Option(help: "Seconds between passes.")
    var interval: Double = 2

    @Option(help: "Seconds without a job's worker before the job ends Incomplete.")
    var offlineJobGrace: Double = 300

    func run() async throws {
        var configuration = try storage.configuration()
        configuration.schedulerInterval = interval
        configuration.offlineJobGrace = offlineJobGrace
        let logger = Logger(label: "lava-scheduler")
        try await storage.withServer(configuration, logger: logger) { server in
            logger.info("lava-server scheduler \(configuration.version), database \(configuration.database)")
            try await ServiceGroup(configuration: .init(
                services: [.init(service: SchedulerService(server: server)),
                           .init(service: SystemdNotification(readyStatus: "scheduling, every \(interval) s"))],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )).run()
        }
    }
}
