import ArgumentParser
import Foundation
import Hummingbird
import LavaCore
import LavaServer
import Logging
import ServiceLifecycle
import Systemd

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Answer workers and users over HTTP.")

    @OptionGroup var storage: StorageOptions

    @Option(help: "Address and port to listen on, e.g. 0.0.0.0:8000 or [::]:8000.")
    var bind: String = "127.0.0.1:8000"

    @Flag(inversion: .prefixedNo, help: "Run the scheduler in this process (turn it off when `lava-server scheduler` runs beside it).")
    var scheduler = true

    @Flag(inversion: .prefixedNo, help: "Let workers register themselves (LAVA's WORKER_AUTO_REGISTER): anonymously from --auto-register-network, or with an admin's name and API token.")
    var workerAutoRegister = true

    @Option(name: .customLong("auto-register-network"), help: "Networks allowed to register workers anonymously (repeatable). Default: 127.0.0.0/8 and ::1.")
    var autoRegisterNetworks: [String] = []

    @Option(name: .customLong("trusted-proxy"), help: "A proxy (CIDR, repeatable) whose X-Forwarded-For names the client, as haproxy in front of several instances. Default: none, so the header is ignored.")
    var trustedProxies: [String] = []

    @Option(help: "Largest log upload in bytes; larger ones get 413 (LAVA: Django's 2.5 MiB).")
    var maxLogUpload: Int = 2_621_440

    @Option(help: "Seconds without a job's worker before the job ends Incomplete.")
    var offlineJobGrace: Double = 300

    @Option(help: "Seconds a client has to send a request's head, from the connection's opening or the request's first byte; slower ones are disconnected.")
    var headerTimeout: Double = HTTPLimits.defaults.headerTimeout.seconds

    @Option(help: "Seconds a client has to send a request's body after its head; slower ones are disconnected.")
    var bodyTimeout: Double = HTTPLimits.defaults.bodyTimeout.seconds

    @Option(help: "Seconds a kept-alive connection may stay without a request before it is closed.")
    var idleTimeout: Double = HTTPLimits.defaults.idleTimeout.seconds

    @Option(help: "Connections open at once; more are answered 503 and closed.")
    var maxConnections: Int = HTTPLimits.defaults.maxConnections

    @Option(help: "First part of the topic of every event on /ws/ (LAVA's EVENT_TOPIC).")
    var eventTopic = "org.lavasoftware"

    @Option(help: "Directory of the web pages' templates/ and static/. Default: ./server when run from the source tree, else /usr/share/lava-server.")
    var webDir: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        var configuration = try storage.configuration()
        configuration.workerAutoRegister = workerAutoRegister
        configuration.maxLogUploadBytes = maxLogUpload
        configuration.offlineJobGrace = offlineJobGrace
        configuration.eventTopic = eventTopic
        if let webDir { configuration.webDirectory = URL(fileURLWithPath: webDir, isDirectory: true) }
        if !autoRegisterNetworks.isEmpty {
            configuration.autoRegisterNetworks = try autoRegisterNetworks.map { text throws(ServerSetupError) in try IPNetwork(parsing: text) }
        }
        configuration.trustedProxies = try trustedProxies.map { text throws(ServerSetupError) in try IPNetwork(parsing: text) }
        let limits = try httpLimits()
        let (host, port) = try Self.parse(bind: bind)
        var logger = Logger(label: "lava-server")
        logger.logLevel = logLevel
        try await storage.withServer(configuration, logger: logger) { server in
            logger.info("lava-server \(configuration.version) on \(bind), database \(configuration.database), data \(configuration.dataDirectory.path)")
            let chosen = configuration.logStoreDefault
            logger.info("\(configuration.logStore == chosen.kind ? chosen.description : "logs of new jobs in \(configuration.logStore)")")
            if configuration.webDirectory == nil {
                logger.warning("no web pages: neither ./server/templates nor /usr/share/lava-server/templates exists; name them with --web-dir")
            }
            let app = try await ServerApplication.make(server: server, host: host, port: port, runScheduler: scheduler, limits: limits, logger: logger) { [bind] in
                ServiceNotifier().ready(status: "listening on \(bind)")
            }
            try await ServiceGroup(configuration: .init(
                services: [app, SystemdNotification(readyStatus: nil)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )).run()
        }
    }

    private func httpLimits() throws -> HTTPLimits {
        for (name, value) in [("--header-timeout", headerTimeout), ("--body-timeout", bodyTimeout), ("--idle-timeout", idleTimeout)]
        where !(value > 0 && value <= 86400) {
            throw ValidationError("\(name) must be a number of seconds above 0 and at most 86400, e.g. \(name) 10")
        }
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be at least 1, e.g. --max-connections 512") }
        return HTTPLimits(headerTimeout: .seconds(headerTimeout), bodyTimeout: .seconds(bodyTimeout),
                          idleTimeout: .seconds(idleTimeout), maxConnections: maxConnections)
    }

    static func parse(bind: String) throws -> (String, Int) {
        guard let colon = bind.lastIndex(of: ":"), let port = Int(bind[bind.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("--bind '\(bind)' must be HOST:PORT, e.g. 127.0.0.1:8000 or [::]:8000")
        }
        let host = bind[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
