import DockerEngine
import Foundation
import LavaCore
@testable import LavaServer
import LavaTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Stopping lava-worker and lava-run mid-job, with the real server and engine: what a stop
/// leaves running and how a canceled job ends (spec §3.4, §4.4).
extension EndToEnd { @Suite struct StopTests {
    /// Cancels the job the way a user does and lets a new worker on the same directory finish the
    /// cancel, so that a test which left its lava-run running leaves no container behind.
    static func cancelWithNewWorker(_ id: Int, lab: DockerLab, live: LiveServer) async throws {
        try await lab.cancel(id)
        let worker = try lab.worker()
        defer { worker.stop() }
        let done = try await lab.wait(for: id, on: live, worker: worker) { $0.state == .finished }
        #expect(done.health == .canceled)
        #expect(try await DockerLab.docker().inspectContainer(lab.container(id)) == nil)
    }

    /// LAVA's words for a second signal during the cancellation (spec §4.4).
    static let canceledAgain = "The job was canceled again (too long to cancel)"

    /// The highest `tick N` of the job's stored log.
    static func lastTick(_ id: Int, on live: LiveServer) async throws -> Int {
        JobLifecycleTests.ticks(try await live.storedLog(id)).last ?? 0
    }

    @Test("--wait-jobs and a running job: a second SIGTERM stops the worker at once with status 0, and lava-run goes on")
    func secondSignal() async throws {
        try await DockerLab.run { lab, live in
            let worker = try lab.worker(arguments: ["--wait-jobs", "--level", "DEBUG"])
            defer { worker.stop() }
            let id = try await lab.submit(JobLifecycleTests.ticking(600, pause: "1"), to: live)
            try await lab.wait(for: id, on: live, logContaining: "tick 2")
            worker.signal(SIGTERM)
            try await Self.wait(for: "stopping once the running jobs are reported", in: worker)
            worker.signal(SIGTERM)
            #expect(try await worker.exitStatus(within: 60) == 0)
            #expect(worker.log.contains("stopping now"))
            #expect(try await lab.job(id, on: live).state == .running)
            let tick = try await Self.lastTick(id, on: live)
            try await lab.wait(for: id, on: live, logContaining: "tick \(tick + 2)")
            try await Self.cancelWithNewWorker(id, lab: lab, live: live)
        }
    }

    @Test("--wait-jobs --stop-timeout: a job still running when it runs out is left running, the worker exits 0")
    func stopTimeout() async throws {
        try await DockerLab.run { lab, live in
            let worker = try lab.worker(arguments: ["--wait-jobs", "--stop-timeout", "2", "--level", "DEBUG"])
            defer { worker.stop() }
            let id = try await lab.submit(JobLifecycleTests.ticking(600, pause: "1"), to: live)
            try await lab.wait(for: id, on: live, logContaining: "tick 2")
            worker.signal(SIGTERM)
            #expect(try await worker.exitStatus(within: 60) == 0)
            #expect(worker.log.contains("stopping once the running jobs are reported"))
            #expect(worker.log.contains("stopping now"))
            #expect(try await lab.job(id, on: live).state == .running)
            try await Self.cancelWithNewWorker(id, lab: lab, live: live)
        }
    }

    /// lava-run started by hand on a ticking job (on the device as the scheduler would put it,
    /// without a worker to ping for it), its files in `files`, once the job's log has `tick 2`.
    static func lavaRun(lab: DockerLab, live: LiveServer, files: TemporaryDirectory,
                        engine: String) async throws -> (id: Int, run: ChildProcess) {
        let id = try await lab.submit(JobLifecycleTests.ticking(600, pause: "1"), to: live)
        let job = try await live.server.database.write { db in
            _ = try await JobStore.assign(db, id: id, device: "docker-01", worker: "lab-1", now: Date().timeIntervalSince1970)
            return try await JobStore.find(db, id: id)
        }
        guard let job else { throw TestFailure("job \(id) is gone") }
        try files.write(job.definition, to: "job.yaml")
        try files.write("actions: {boot: {methods: {docker: {options: {}}}}}", to: "device.yaml")
        let run = try ChildProcess(BuiltProgram.path("lava-run"), [
            "--device", files.url.appendingPathComponent("device.yaml").path,
            "--dispatcher", lab.directory.appendingPathComponent("etc/dispatcher.d/lab-1/dispatcher.yaml").path,
            "--output-dir", files.url.appendingPathComponent("output").path, "--job-id", String(id), "--url", lab.url,
            "--token", job.token, "--job-log-interval", "1", files.url.appendingPathComponent("job.yaml").path,
        ], environment: ["DOCKER_HOST": "unix://" + engine, "http_proxy": ""],
           logFile: files.url.appendingPathComponent("lava-run.log"))
        do {
            try await lab.wait(for: id, on: live, logContaining: "tick 2")
        } catch {
            run.kill()
            throw TestFailure("\(error); lava-run's output:\n\(run.log)")
        }
        return (id, run)
    }

    @Test("lava-run on SIGTERM: the job is canceled, its container removed, result.yaml written, every log line sent, status 1")
    func lavaRunCanceled() async throws {
        try await DockerLab.run { lab, live in
            let files = try TemporaryDirectory()
            defer { files.remove() }
            let output = files.url.appendingPathComponent("output")
            let (id, run) = try await Self.lavaRun(lab: lab, live: live, files: files, engine: try TestDocker.socketPath())
            defer { run.kill() }
            run.signal(SIGTERM)
            #expect(try await run.exitStatus(within: 60) == 1, "\(run.log)")

            let result = JobResultFile(yaml: try String(contentsOf: output.appendingPathComponent(JobResultFile.name), encoding: .utf8))
            #expect(result == JobResultFile(passed: false, errorMessage: "The job was canceled", errorType: "Canceled"))
            #expect(try await DockerLab.docker().inspectContainer(lab.container(id)) == nil)
            // The log was flushed before lava-run exited: its last lines are on the server.
            let log = try await live.storedLog(id)
            #expect(log.contains { $0.contains(#""case": "job""#) && $0.contains(#""error_type": "Canceled""#) },
                    "\(log.suffix(5).joined(separator: "\n"))")
            #expect(log.contains { $0.contains("Removing container \(lab.container(id))") })
        }
    }

    @Test("lava-run: a second SIGTERM while the container's removal hangs cuts the cleanup short; the container is removed all the same, the job ends Canceled, status 1")
    func lavaRunCanceledAgain() async throws {
        try await DockerLab.run { lab, live in
            let files = try TemporaryDirectory()
            defer { files.remove() }
            let engine = try EngineRemovalHold(path: files.url.appendingPathComponent("engine.sock").path,
                                               engine: try TestDocker.socketPath())
            defer { engine.stop() }
            let (id, run) = try await Self.lavaRun(lab: lab, live: live, files: files, engine: engine.path)
            defer { run.kill() }
            engine.holdNextRemoval()
            run.signal(SIGTERM)
            let held = try await within(60, "the removal of the container") {
                for await line in engine.held { return line }
                throw TestFailure("the engine's socket closed")
            }
            #expect(held.contains("/containers/"))
            run.signal(SIGTERM)
            // Without the cut, the held removal runs into the engine client's 120 s timeout.
            #expect(try await run.exitStatus(within: 60) == 1, "\(run.log)")

            let output = files.url.appendingPathComponent("output")
            let result = JobResultFile(yaml: try String(contentsOf: output.appendingPathComponent(JobResultFile.name), encoding: .utf8))
            #expect(result == JobResultFile(passed: false, errorMessage: Self.canceledAgain, errorType: "Canceled"))
            #expect(try await DockerLab.docker().inspectContainer(lab.container(id)) == nil)
            let log = try await live.storedLog(id)
            #expect(log.contains { $0.contains(#""case": "job""#) && $0.contains(Self.canceledAgain) },
                    "\(log.suffix(5).joined(separator: "\n"))")
        }
    }

    /// Waits until the worker's log has a line containing `text`.
    static func wait(for text: String, in worker: WorkerProcess) async throws {
        for _ in 0..<600 where !worker.log.contains(text) {
            try await Task.sleep(for: .milliseconds(100))
        }
        guard worker.log.contains(text) else { throw TestFailure("no '\(text)' in the worker's log:\n\(worker.log)") }
    }
}
}
