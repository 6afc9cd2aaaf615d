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
        /// Each thing said, as it is said.
        let stream: AsyncStream<String>
        private let input: AsyncStream<String>.Continuation

        init() {
            (stream, input) = AsyncStream.makeStream()
        }

        var all: [String] { said.withLock { $0 } }
        func ready() { say("READY") }
        func status(_ text: String) { say(text) }
        func stopping() { say("STOPPING") }
        func serverContact() {}

        private func say(_ text: String) {
            said.withLock { $0.append(text) }
            input.yield(text)
        }
    }

    /// The service group of a supervisor of `engine` and its version monitor, against a server
    /// answering `version`, given to `body`; what systemd heard is in `heard`.
    static func withSupervisor<R: Sendable>(version: String, engine: FakeEngine, heard: Heard,
                                            _ body: @Sendable (ServiceGroup) async throws -> R) async throws -> R {
        try await FileServer.run(files: ["api/v0.2/system/version/": Data(version.utf8)]) { base in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            var settings = SupervisorSettings(url: base + "/", name: "lab-1", hostName: "lab.example",
                                              workerDirectory: directory.url.path)
            settings.image = ImageName(template: "w:{version}")
            var logger = Logger(label: "supervisor-driver")
            logger.logLevel = .critical
            let monitor = ServerVersionMonitor(client: try LavaServerClient(url: settings.url, agent: "test"), interval: .seconds(60),
                                               retryPause: .seconds(5), maximumRetryPause: .seconds(5), logger: logger)
            let supervisor = Supervisor(settings: settings, engine: engine, monitor: monitor, logger: logger, status: heard)
            return try await body(ServiceGroup(configuration: .init(
                services: [.init(service: monitor), .init(service: supervisor, successTerminationBehavior: .gracefullyShutdownGroup)],
                logger: logger)))
        }
    }

    /// The supervisor of `engine` against a server answering `version`, until `until` of what
    /// systemd heard, then a graceful shutdown; what systemd heard.
    static func run(version: String, engine: FakeEngine, until: @escaping @Sendable (String) -> Bool) async throws -> [String] {
        let heard = Heard()
        try await withSupervisor(version: version, engine: engine, heard: heard) { group in
            try await withThrowingTaskGroup { tasks in
                tasks.addTask { try await group.run() }
                for await text in heard.stream where until(text) { break }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
        return heard.all
    }

    @Test("first start, then a graceful shutdown: ping, list, image, create, start; then SIGTERM to the worker, its exit, its removal")
    func startThenStop() async throws {
        let engine = FakeEngine(images: ["w:2026.11"])
        let said = try await Self.run(version: #"{"version": "2026.11"}"#, engine: engine) { $0.hasPrefix("running lava-worker") }
        let calls = engine.recorded
        let name = try #require(calls.first { $0.hasPrefix("create ") }?.dropFirst("create ".count))
        #expect(name.hasPrefix("lava-worker-2026.11-"))
        #expect(calls == ["ping", "list", "inspect w:2026.11", "inspect w:2026.11", "create \(name)", "start c0",
                          "kill c0 TERM", "remove c0"], "\(calls)")
        #expect(said.firstIndex(of: "READY").map { $0 < (said.firstIndex(of: "STOPPING") ?? -1) } == true, "\(said)")
        #expect(said.contains("running lava-worker 2026.11 in \(name)"), "\(said)")
    }

    @Test("the server expects a digest the local image has not: it is pulled again, checked again, refused, and no container starts")
    func refusedDigest() async throws {
        let expected = "sha256:" + String(repeating: "a", count: 64)
        let found = "sha256:" + String(repeating: "b", count: 64)
        let engine = FakeEngine(images: ["w:2026.11"], repoDigests: ["w:2026.11": ["w@\(found)"]])
        let said = try await Self.run(version: #"{"version": "2026.11", "digest": "\#(expected)"}"#, engine: engine) {
            $0.hasPrefix("not starting the worker of 2026.11")
        }
        let calls = engine.recorded
        #expect(calls == ["ping", "list", "inspect w:2026.11", "inspect w:2026.11", "pull w:2026.11"], "\(calls)")
        let refusal = try #require(said.first { $0.hasPrefix("not starting the worker of 2026.11") })
        #expect(refusal.contains("w:2026.11 has the digest \(found), not the \(expected) the server expects for 2026.11"), "\(refusal)")
        #expect(!said.contains("READY"))
    }

    @Test("cancelled (a second SIGTERM) while the container's start is in flight: the container the engine made is removed")
    func killWhileStarting() async throws {
        let engine = FakeEngine(images: ["w:2026.11"], startHangs: true)
        try await Self.withSupervisor(version: #"{"version": "2026.11"}"#, engine: engine, heard: Heard()) { group in
            let running = Task { try await group.run() }
            for await call in engine.calls where call.hasPrefix("start ") { break }
            running.cancel()
            _ = await running.result
        }
        let calls = engine.recorded
        #expect(calls.suffix(2) == ["list", "remove c0"], "\(calls)")
        #expect(engine.containerIDs.isEmpty, "left on the engine: \(engine.containerIDs)")
    }
}
