import Foundation
import Logging
import Testing

@testable import Systemd

@Suite struct JournalTests {
    private func event(_ level: Logger.Level, _ message: Logger.Message, metadata: Logger.Metadata? = nil) -> LogEvent {
        LogEvent(level: level, message: message, metadata: metadata, source: "DockerWorker",
                 file: "DockerWorker/Supervisor.swift", function: "run()", line: 42)
    }

    @Test func eventBecomesJournalFields() {
        let fields = JournalFields.fields(
            for: event(.warning, "container exited with status 1"), identifier: "lava-docker-worker",
            metadata: ["container": "lava-worker-2026.01-a1b2c", "lava_worker_version": "2026.01"])
        #expect(fields.map(\.description) == [
            "MESSAGE=container exited with status 1",
            "PRIORITY=4",
            "SYSLOG_IDENTIFIER=lava-docker-worker",
            "CODE_FILE=DockerWorker/Supervisor.swift",
            "CODE_LINE=42",
            "CODE_FUNC=run()",
            "CONTAINER=lava-worker-2026.01-a1b2c",
            "LAVA_WORKER_VERSION=2026.01",
        ])
    }

    @Test func levelsMapToSyslogPriorities() {
        let levels: [Logger.Level] = [.trace, .debug, .info, .notice, .warning, .error, .critical]
        #expect(levels.map(JournalFields.priority) == [7, 7, 6, 5, 4, 3, 2])
    }

    @Test func metadataKeysBecomeValidFieldNames() {
        #expect(JournalFields.fieldName("lava-worker.container") == "LAVA_WORKER_CONTAINER")
        #expect(JournalFields.fieldName("_pid") == "PID")
        #expect(JournalFields.fieldName("2nd") == "ND")
        #expect(JournalFields.fieldName("__") == nil)
        #expect(JournalFields.fieldName(String(repeating: "a", count: 80)) == String(repeating: "A", count: 64))
    }

    @Test func metadataCannotReplaceTheCoreFields() {
        let fields = JournalFields.fields(
            for: event(.info, "hello"), identifier: "x", metadata: ["message": "other", "priority": "0"])
        #expect(fields.filter { $0.name == "MESSAGE" } == [JournalField("MESSAGE", "hello")])
        #expect(fields.filter { $0.name == "PRIORITY" } == [JournalField("PRIORITY", "6")])
    }

    @Test func handlerMergesMetadataEventLast() {
        var handler = JournalLogHandler(identifier: "lava-docker-worker", metadataProvider: Logger.MetadataProvider {
            ["lava_worker_version": "2026.01", "container": "from-provider"]
        })
        handler[metadataKey: "container"] = "from-logger"
        handler[metadataKey: "host"] = "lab-1"
        let fields = handler.fields(for: event(.info, "started", metadata: ["container": "lava-worker-2026.01-a1b2c"]))
        #expect(Array(fields.dropFirst(6)) == [
            JournalField("CONTAINER", "lava-worker-2026.01-a1b2c"),
            JournalField("HOST", "lab-1"),
            JournalField("LAVA_WORKER_VERSION", "2026.01"),
        ])
    }

    @Test func errorIsAField() {
        struct Failure: Error, CustomStringConvertible { var description: String { "docker pull failed" } }
        var failed = event(.error, "cannot start")
        failed.error = Failure()
        let fields = JournalFields.fields(for: failed, identifier: "x", metadata: [:])
        #expect(fields.last == JournalField("ERROR", "docker pull failed"))
    }

    /// No journald on this machine: libsystemd then drops entries and reports success (ENOENT
    /// on its socket is "no journal", not an error). The handler must carry on regardless; what
    /// it would send is covered by the field tests above.
    @Test(.enabled(if: !FileManager.default.fileExists(atPath: "/run/systemd/journal/socket")))
    func loggingWithoutJournalDoesNotFail() {
        let result = JournalLogHandler.send([JournalField("MESSAGE", "no journal here")])
        #expect(result == 0)
        var logger = Logger(label: "test") { _ in JournalLogHandler(identifier: "systemd-tests") }
        logger.logLevel = .trace
        logger[metadataKey: "container"] = "lava-worker-test"
        logger.trace("multi\nline", metadata: ["extra": "1"])
        logger.critical("still here")
    }
}
