import Foundation
import LavaTestSupport
import Testing

/// `lava-server serve` and `scheduler` as `Type=notify` units run them: systemd's notify socket
/// is stood in for by a socket the test reads.
@Suite struct SystemdNotifyTests {
    @Test("serve says READY=1 once its port accepts connections, STOPPING=1 when SIGTERM stops it")
    func serve() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let socket = try NotifySocket(path: directory.url.appendingPathComponent("notify").path)
        defer { socket.release() }
        let port = try FreePort.next()
        let serve = try ServerProcess.start(["serve", "--bind", "127.0.0.1:\(port)"] + Self.storage(directory, "a"),
                                            environment: ["NOTIFY_SOCKET": socket.path])
        defer { if serve.isRunning { serve.terminate() } }

        #expect(try Self.next(socket) == "READY=1\nSTATUS=listening on 127.0.0.1:\(port)")
        // No retry: what READY=1 promises is that a request is answered now.
        #expect(try await ServerProcess.get(port: port, "/health").status == 200)

        serve.terminate()
        #expect(try Self.next(socket) == "STOPPING=1")
        serve.waitUntilExit()
        #expect(serve.terminationStatus == 0)
    }

    /// READY=1 waits for the port: a serve that cannot bind it never says it.
    @Test("serve on a port another server holds fails without READY=1")
    func serveWithoutItsPort() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let port = try FreePort.next()
        let holder = try ServerProcess.start(["serve", "--bind", "127.0.0.1:\(port)"] + Self.storage(directory, "holder"))
        defer { holder.terminate() }
        try await ServerProcess.waitForHealth(port: port)

        let socket = try NotifySocket(path: directory.url.appendingPathComponent("notify").path)
        defer { socket.release() }
        let serve = try ServerProcess.start(["serve", "--bind", "127.0.0.1:\(port)"] + Self.storage(directory, "b"),
                                            environment: ["NOTIFY_SOCKET": socket.path])
        defer { if serve.isRunning { serve.terminate() } }
        #expect(try Self.next(socket) == "STOPPING=1", "the first and only notification")
        serve.waitUntilExit()
        #expect(serve.terminationStatus != 0)
    }

    @Test("the scheduler says READY=1 once it runs, STOPPING=1 when SIGTERM stops it")
    func scheduler() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let socket = try NotifySocket(path: directory.url.appendingPathComponent("notify").path)
        defer { socket.release() }
        let scheduler = try ServerProcess.start(["scheduler", "--interval", "0.5"] + Self.storage(directory, "a"),
                                                environment: ["NOTIFY_SOCKET": socket.path])
        defer { if scheduler.isRunning { scheduler.terminate() } }

        #expect(try Self.next(socket) == "READY=1\nSTATUS=scheduling, every 0.5 s")

        scheduler.terminate()
        #expect(try Self.next(socket) == "STOPPING=1")
        scheduler.waitUntilExit()
        #expect(scheduler.terminationStatus == 0)
    }

    private static func storage(_ directory: TemporaryDirectory, _ name: String) -> [String] {
        ["--data-dir", directory.url.appendingPathComponent(name).path,
         "--config-dir", directory.url.appendingPathComponent("etc").path]
    }

    /// The next notification, waiting up to 30 s (the socket gives up after 5 s): a debug build
    /// on a busy machine may take longer than that to open and migrate its database.
    private static func next(_ socket: NotifySocket) throws -> String {
        for _ in 1..<6 {
            if let message = try? socket.receive() { return message }
        }
        return try socket.receive()
    }
}
