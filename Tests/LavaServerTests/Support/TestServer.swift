import Foundation
import LavaTestSupport
import HTTPTypes
import Hummingbird
import Hummingbird
import HummingbirdTesting
import LavaCore
@testable import LavaServer
import Logging
import Synchronization

/// Time as the server under test sees it: starts at the real time and moves only when told,
/// so timeouts are judged without waiting.
final class TestClock: Sendable {
    private let seconds = Mutex(Date().timeIntervalSince1970)

    var now: Double { seconds.withLock { $0 } }

    func advance(by interval: Double) {
        seconds.withLock { $0 += interval }
    }
}

/// A real server on loopback over a scratch database, at a chosen version.
struct TestServer: Sendable {
    let server: Server
    let scratch: Scratch
    let clock: TestClock

    static func make(_ scratch: Scratch, version: String = "2026.11", configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> TestServer {
        var configuration = ServerConfiguration(
            dataDirectory: scratch.directory,
            database: scratch.location,
            configDirectory: scratch.directory.appendingPathComponent("etc"),
            version: version
        )
        // Only the test's own templates, whatever this machine has installed.
        configuration.deviceTypeDirectories = [scratch.directory.appendingPathComponent("etc/device-types")]
        // The checkout's pages, wherever the tests run from.
        configuration.webDirectory = PackageFiles.url("server")
        configure(&configuration)
        let database = try await scratch.location.open()
        var logger = Logger(label: "lava-server-test")
        logger.logLevel = .warning
        let clock = TestClock()
        let server = try Server(configuration: configuration, database: database, logger: logger, clock: { clock.now })
        return TestServer(server: server, scratch: scratch, clock: clock)
    }

    /// Runs `body` against the server listening on an ephemeral loopback port, under `limits`.
    func live<R: Sendable>(limits: HTTPLimits = .tests, _ body: @Sendable (any TestClientProtocol) async throws -> R) async throws -> R {
        var logger = Logger(label: "lava-server-test")
        logger.logLevel = .warning
        var app = Application(
            router: try await ServerApplication.router(server: server, scheduler: nil),
            server: ServerApplication.httpServer(limits, server: server),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: logger
        )
        guard let relay = server.eventRelay else { return try await app.test(.live) { client in try await body(client) } }
        app.addServices(relay)
        return try await app.test(.live) { client in
            // On PostgreSQL the events come through the relay: none may be missed before it listens.
            try await within(30, "the event relay to LISTEN") { await relay.waitUntilListening() }
            return try await body(client)
        }
    }

    func close() async {
        await server.database.close()
    }

    var inventory: Inventory { Inventory(database: server.database) }

    func schedule() async throws -> SchedulerPass.Summary {
        try await SchedulerPass(server: server).run()
    }

    func job(_ id: Int) async throws -> JobRecord? {
        try await server.database.read { try await JobStore.find($0, id: id) }
    }

    func worker(_ name: String) async throws -> WorkerRecord? {
        try await server.database.read { try await WorkerStore.find($0, name: name) }
    }
}

/// Runs `body` with a fresh scratch database of `backend`, cleaning up whatever happens.
func withScratch<R>(_ backend: Backend, _ body: (Scratch) async throws -> R) async throws -> R {
    let scratch = try await Scratch.make(backend)
    do {
        let result = try await body(scratch)
        await scratch.remove()
        return result
    } catch {
        await scratch.remove()
        throw error
    }
}

/// Runs `body` with a server over a fresh database.
func withServer<R>(_ backend: Backend, version: String = "2026.11", configure: (inout ServerConfiguration) -> Void = { _ in }, _ body: (TestServer) async throws -> R) async throws -> R {
    try await withScratch(backend) { scratch in try await withServer(on: scratch, version: version, configure: configure, body) }
}

/// Runs `body` with a server over `scratch`'s database, closing it whatever happens (a
/// PostgreSQL pool left open stops the test process).
func withServer<R>(on scratch: Scratch, version: String = "2026.11", configure: (inout ServerConfiguration) -> Void = { _ in }, _ body: (TestServer) async throws -> R) async throws -> R {
    let server = try await TestServer.make(scratch, version: version, configure: configure)
    do {
        let result = try await body(server)
        await server.close()
        return result
    } catch {
        await server.close()
        throw error
    }
}

/// Runs `body` with two instances on one fresh database, as behind the load balancer.
func withInstances<R>(_ backend: Backend, _ body: (TestServer, TestServer) async throws -> R) async throws -> R {
    try await withScratch(backend) { scratch in
        try await withServer(on: scratch) { first in
            try await withServer(on: scratch) { second in try await body(first, second) }
        }
    }
}

extension HTTPLimits {
    /// The defaults with a header timeout of minutes: HummingbirdTesting's client opens its
    /// connection when `live` starts, and a test may do seconds of work (a second instance, its
    /// LISTEN) before its first request, longer than the 10 s a slow client gets, on a loaded
    /// 2-core machine. SlowClientTests test the timeouts with limits of their own.
    static let tests = HTTPLimits(headerTimeout: .seconds(300), bodyTimeout: HTTPLimits.defaults.bodyTimeout,
                                  idleTimeout: .seconds(300), maxConnections: HTTPLimits.defaults.maxConnections)
}
