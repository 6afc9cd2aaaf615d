import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle

/// Builds the HTTP application of `lava-server serve`: the worker API, the REST API, the web
/// pages, LAVA's XML-RPC API at /RPC2, health and metrics, plus the in-process scheduler when asked for.
public enum ServerApplication {
    /// - Throws: `ServerSetupError` when the web directory's templates do not load.
    public static func router(server: Server, scheduler: SchedulerService?) async throws -> Router<LavaRequestContext> {
        let router = Router(context: LavaRequestContext.self)
        if let web = server.configuration.webDirectory {
            let templates = try await PageTemplates(directory: web)
            WebPages(server: server, scheduler: scheduler, templates: templates)
                .addRoutes(to: router, staticDirectory: web.appendingPathComponent("static", isDirectory: true))
        }
        InternalAPI(server: server).addRoutes(to: router)
        SystemAPI(server: server).addRoutes(to: router)
        JobsAPI(server: server, scheduler: scheduler).addRoutes(to: router)
        WorkersAPI(server: server).addRoutes(to: router)
        DevicesAPI(server: server).addRoutes(to: router)
        DeviceDictionaryAPI(server: server).addRoutes(to: router)
        RPCEndpoint(server: server, scheduler: scheduler).addRoutes(to: router)
        return router
    }

    /// The HTTP/1 server under `limits` (timeouts and connection cap against slow clients),
    /// with the event stream at `/ws/`.
    public static func httpServer(_ limits: HTTPLimits, server: Server) -> HTTPServerBuilder {
        .http1(limits: limits, events: EventSocket(server: server))
    }

    /// - Parameter onListening: called once the port is bound and accepts connections.
    public static func make(
        server: Server, host: String, port: Int, runScheduler: Bool, limits: HTTPLimits = .defaults, logger: Logger,
        onListening: @escaping @Sendable () async -> Void = {}
    ) async throws -> some ApplicationProtocol {
        let scheduler = runScheduler ? SchedulerService(server: server) : nil
        var app = Application(
            router: try await router(server: server, scheduler: scheduler),
            server: httpServer(limits, server: server),
            configuration: .init(address: .hostname(host, port: port), serverName: "lava-server"),
            onServerRunning: { _ in await onListening() },
            logger: logger
        )
        app.addServices(PingFlushService(server: server))
        if let relay = server.eventRelay {
            app.addServices(relay)
        }
        if let scheduler {
            app.addServices(scheduler)
        }
        return app
    }
}
