import DockerWorker
import Foundation
import LavaClient
import LavaTestSupport
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// The supervisor's driver (`Supervisor`): that it performs what its machine decides, in order,
/// and feeds back what happens, against an engine in memory and a real HTTP answer of the
/// server's version. The machine's rules are `SupervisorMachineTests`'; the real engine's are the
/// end-to-end tests'.
@Suite struct SupervisorDriverTests {
    /// What systemd would hear.
    final class Heard: SupervisorStatus {
        private let said = Mutex<[String]>([])
        var all: [String] { said.withLock { $0 } }
        func ready() { said.withLock { $0.append("READY") } }
        func status(_ text: String) { said.withLock { $0.append(text) } }
        func stopping() { said.withLock { $0.append("STOPPING") } }
        func serverContact() {}
    }

    @Test("first start, then a graceful shutdown: ping, list, image, create, start; then SIGTERM to the worker, its exit, its removal")
    func startThenStop() async throws {
        let version = #"{"version": "2026.11"}"#
        try await FileServer.run(files: ["api/v0.2/system/version/": Data(version.utf8)]) { base in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            var settings = SupervisorSettings(url: base + "/", name: "lab-1", hostName: "lab.example",
                                              workerDirectory: directory.url.path)
            settings.image = ImageName(template: "w:{version}")
            let engine = FakeEngine(images: ["w:2026.11"])
            let heard = Heard()
            var logger = Logger(label: "supervisor-driver")
            logger.logLevel = .critical
            let monitor = ServerVersionMonitor(client: try LavaServerClient(url: settings.url, agent: "test"), interval: .seconds(60),
                                               retryPause: .seconds(5), maximumRetryPause: .seconds(5), logger: logger)
            let supervisor = Supervisor(settings: settings, engine: engine, monitor: monitor, logger: logger, status: heard)
            let group = ServiceGroup(configuration: .init(
                services: [.init(service: monitor), .init(service: supervisor, successTerminationBehavior: .gracefullyShutdownGroup)],
                logger: logger))
            try await withThrowingTaskGroup { tasks in
                tasks.addTask { try await group.run() }
                // The worker runs once the engine has started its container.
                for await call in engine.calls where call.hasPrefix("start ") { break }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            let calls = engine.recorded
            let name = try #require(calls.first { $0.hasPrefix("create ") }?.dropFirst("create ".count))
            #expect(name.hasPrefix("lava-worker-2026.11-"))
            #expect(calls == ["ping", "list", "inspect w:2026.11", "inspect w:2026.11", "create \(name)", "start c0",
                              "kill c0 TERM", "remove c0"], "\(calls)")
            let said = heard.all
            #expect(said.firstIndex(of: "READY").map { $0 < (said.firstIndex(of: "STOPPING") ?? -1) } == true, "\(said)")
            #expect(said.contains("running lava-worker 2026.11 in \(name)"), "\(said)")
        }
    }
}
