import Foundation
import LavaTestSupport
import Logging
import Testing

@testable import Systemd

/// Tests that set NOTIFY_SOCKET, WATCHDOG_* or JOURNAL_STREAM for the whole process: they run
/// one at a time, and each restores what it changed.
@Suite(.serialized) struct ProcessEnvironmentTests {
    @Test func notificationsReachTheNotifySocket() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let socket = try NotifySocket(path: directory.url.appendingPathComponent("notify").path)
        defer { socket.release() }

        try withEnvironment(["NOTIFY_SOCKET": socket.path]) { () throws in
            let notifier = ServiceNotifier()
            notifier.ready()
            #expect(try socket.receive() == "READY=1")
            notifier.ready(status: "pinging http://lava.example/")
            #expect(try socket.receive() == "READY=1\nSTATUS=pinging http://lava.example/")
            notifier.status("running lava-worker 2026.01\nin container lava-worker-2026.01-a1b2c")
            #expect(try socket.receive() == "STATUS=running lava-worker 2026.01 in container lava-worker-2026.01-a1b2c")
            notifier.watchdog()
            #expect(try socket.receive() == "WATCHDOG=1")
            notifier.stopping()
            #expect(try socket.receive() == "STOPPING=1")
        }
    }

    @Test func withoutNotifySocketNothingIsSent() throws {
        try withEnvironment(["NOTIFY_SOCKET": nil]) {
            let notifier = ServiceNotifier()
            notifier.ready()
            notifier.watchdog()
            notifier.stopping()
        }
    }

    @Test func watchdogIntervalIsHalfTheTimeoutForThisProcess() throws {
        try withEnvironment(["WATCHDOG_USEC": "120000000", "WATCHDOG_PID": String(getpid())]) {
            #expect(ServiceNotifier().watchdogInterval == .seconds(60))
        }
        try withEnvironment(["WATCHDOG_USEC": "3000000", "WATCHDOG_PID": nil]) {
            #expect(ServiceNotifier().watchdogInterval == .milliseconds(1500))
        }
        // The variables were meant for another process (inherited from the service's main process).
        try withEnvironment(["WATCHDOG_USEC": "120000000", "WATCHDOG_PID": String(getpid() + 1)]) {
            #expect(ServiceNotifier().watchdogInterval == nil)
        }
        try withEnvironment(["WATCHDOG_USEC": nil, "WATCHDOG_PID": nil]) {
            #expect(ServiceNotifier().watchdogInterval == nil)
        }
    }

    @Test func journalStreamMustMatchStandardError() throws {
        var status = stat()
        #expect(fstat(STDERR_FILENO, &status) == 0)
        try withEnvironment(["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino)"]) {
            #expect(JournalLogHandler.isConnected)
        }
        try withEnvironment(["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino + 1)"]) {
            #expect(!JournalLogHandler.isConnected)
        }
        try withEnvironment(["JOURNAL_STREAM": nil]) {
            #expect(!JournalLogHandler.isConnected)
        }
    }

    /// Sets (or, for nil, unsets) the variables around `body`, then puts the old values back.
    private func withEnvironment(_ variables: [String: String?], _ body: () throws -> Void) throws {
        let saved = variables.keys.map { ($0, getenv($0).map { String(cString: $0) }) }
        defer {
            for (name, value) in saved {
                if let value { setenv(name, value, 1) } else { unsetenv(name) }
            }
        }
        for (name, value) in variables {
            if let value { setenv(name, value, 1) } else { unsetenv(name) }
        }
        try body()
    }
}
