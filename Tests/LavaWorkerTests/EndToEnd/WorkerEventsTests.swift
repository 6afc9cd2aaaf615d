import Foundation
@testable import LavaServer
import LavaTestSupport
import Testing

/// The built lava-worker on the server's event stream (`/ws/`): with a 20 s ping interval, what
/// the stream tells it happens long before its next ping. The worker's lava-run is a stand-in
/// that only waits, so a job is Running on the server once the worker has started it.
extension EndToEnd { @Suite struct WorkerEventsTests {
    static let interval = 20

    static let job = DockerJobTests.job("nudged", definitions: """
            - from: inline
              name: nothing
              path: inline/nothing.yaml
              repository:
                metadata: {format: Lava-Test Test Definition 1.0, name: nothing}
                run: {steps: ["true"]}
        """)

    /// A `lava-run` that waits, its arguments (with `--job-id=`) on its command line.
    static func waitingLavaRun(in lab: DockerLab) throws -> String {
        let directory = lab.directory.appendingPathComponent("stand-in")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("lava-run").path
        try "#!/bin/sh\nsleep 600\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    /// Waits (at most 30 s) until the worker listens to the server's events.
    static func listening(_ live: LiveServer, worker: WorkerProcess) async throws {
        do {
            try await within(30, "the worker to listen to the event stream") { await live.server.events.waitForListeners(1) }
        } catch {
            throw TestFailure("\(error):\n\(worker.diagnosis)")
        }
    }

    /// The time of the worker's latest ping the server accepted after `after` (seconds since
    /// 1970), waiting at most `seconds` for one.
    static func ping(after: Double, on live: LiveServer, within seconds: Int, worker: WorkerProcess) async throws -> Double {
        for _ in 0..<(seconds * 5) {
            try await live.server.pings.flush(to: live.server.database)
            if let last = try await live.server.database.read({ try await WorkerStore.find($0, name: "lab-1") })?.lastPing, last > after {
                return last
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestFailure("no ping from the worker after \(after) within \(seconds) s:\n\(worker.diagnosis)")
    }

    @Test("--ping-interval 20: a job submitted just after a ping runs within 10 s, as the stream nudges the worker")
    func nudgedStart() async throws {
        try await DockerLab.run { lab, live in
            let worker = try lab.worker(arguments: ["--ping-interval", String(Self.interval), "--lava-run", try Self.waitingLavaRun(in: lab)])
            defer { worker.stop() }
            try await Self.listening(live, worker: worker)
            // The worker's first pings (at its start, and when the stream connected) are over.
            let pinged = try await Self.ping(after: 0, on: live, within: 30, worker: worker)
            let submitted = Date().timeIntervalSince1970
            // Running within 10 s of the submission is then before the next ping (pinged + 20 s)
            // only with the stream.
            try #require(submitted - pinged < 5, "the submission came \(submitted - pinged) s after the ping: too late to tell")
            let id = try await lab.submit(Self.job, to: live)
            try await lab.wait(for: id, on: live, within: 10, worker: worker) { $0.state == .running }
        }
    }

    @Test("the server restarts: the worker pings it as soon as the stream is back, not at its next ping")
    func reconnectNudge() async throws {
        try await DockerLab.prepare { lab in
            // Started with the server up, so that its stream's back-off starts from scratch.
            let (worker, pinged) = try await lab.serve { live in
                let worker = try lab.worker(arguments: ["--ping-interval", String(Self.interval)])
                do {
                    try await Self.listening(live, worker: worker)
                    return (worker, try await Self.ping(after: 0, on: live, within: 30, worker: worker))
                } catch {
                    worker.stop()
                    throw error
                }
            }
            defer { worker.stop() }
            try await lab.serve { live in
                let restarted = Date().timeIntervalSince1970
                try #require(restarted - pinged < 5, "the restart came \(restarted - pinged) s after the ping: too late to tell")
                // Within 10 s of the restart is before the next ping (pinged + 20 s).
                _ = try await Self.ping(after: restarted, on: live, within: 10, worker: worker)
            }
        }
    }

    @Test("LAVA 2023.01's own lava-worker (Debian's, --ping-interval 20) also starts a job at once through our /ws/")
    func debianWorker() async throws {
        let executable = DebianLavaWorkerTests.lavaWorker
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw TestFailure("\(executable.path) is missing: install Debian's lava-dispatcher (scripts/install-deps.sh does)")
        }
        try await DockerLab.prepare { lab in
            try await lab.serve(version: "2023.01") { live in
                let worker = try lab.worker("lava-dispatcher", executable: executable, arguments: ["--ping-interval", String(Self.interval)])
                defer { worker.stop() }
                try await Self.listening(live, worker: worker)
                let pinged = try await Self.ping(after: 0, on: live, within: 30, worker: worker)
                let submitted = Date().timeIntervalSince1970
                try #require(submitted - pinged < 5, "the submission came \(submitted - pinged) s after the ping: too late to tell")
                let id = try await lab.submit(try DebianLavaWorkerTests.exampleJob(), to: live)
                try await lab.wait(for: id, on: live, within: 10, worker: worker) { $0.state == .running }
            }
        }
    }
}
}
