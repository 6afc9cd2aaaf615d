import Foundation
import LavaTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// lava-worker's exit statuses and stops, as a supervisor sees them: the built program against
/// a real server, or one that never answers.
@Suite struct WorkerCommandLineTests {
    /// The worker's own environment, without proxies: it talks to loopback only.
    static let environment = ["http_proxy": "", "https_proxy": "", "HTTPS_PROXY": "", "all_proxy": "", "ALL_PROXY": ""]

    /// lava-worker with `arguments`, its log on its output (`ChildProcess.log`).
    static func start(_ arguments: [String], directory: TemporaryDirectory) throws -> ChildProcess {
        try ChildProcess(BuiltProgram.path("lava-worker"), ["--level", "DEBUG"] + arguments + ["--log-file", "-"], environment: environment,
                         logFile: directory.url.appendingPathComponent("output"))
    }

    /// Waits until the worker's log has a line containing `text`.
    static func wait(for text: String, in worker: ChildProcess) async throws {
        for _ in 0..<600 where !worker.log.contains(text) {
            try await Task.sleep(for: .milliseconds(100))
        }
        guard worker.log.contains(text) else { throw TestFailure("no '\(text)' in the worker's log:\n\(worker.log)") }
    }

    @Test("an invalid command line exits with status 64", arguments: [
        [String](), ["--url", "http://127.0.0.1:1/", "--bogus"], ["--url", "http://127.0.0.1:1/", "--ping-interval", "0"],
        ["--url", "http://127.0.0.1:1/", "--level", "LOUD"], ["--url", "http://127.0.0.1:1/", "--stop-timeout", "-1"],
    ])
    func usage(_ arguments: [String]) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let worker = try Self.start(arguments + ["--worker-dir", directory.url.path], directory: directory)
        defer { worker.kill() }
        #expect(try await worker.exitStatus(within: 60) == 64, "\(worker.log)")
    }

    @Test("--print-seccomp prints the effective filter without a server; --seccomp off prints that there is none")
    func printSeccomp() async throws {
        let filter = try await BuiltProgram.run(BuiltProgram.path("lava-worker"), ["--print-seccomp"])
        #expect(filter.status == 0, "\(filter.error)")
        for text in ["# filter for arch x86_64", "# filter for arch x86 ", "# filter for arch x32", "if ($syscall == 165)", "action ERRNO(1);", "action ALLOW;"] {
            #expect(filter.output.contains(text), "\(text)")
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(#"{"syscalls": [{"names": ["mount"], "action": "SCMP_ACT_ALLOW"}]}"#, to: "allow-mount.json")
        let changed = try await BuiltProgram.run(BuiltProgram.path("lava-worker"), ["--print-seccomp", "--seccomp", directory.url.appendingPathComponent("allow-mount.json").path])
        #expect(changed.status == 0 && !changed.output.contains("if ($syscall == 165)") && changed.output.contains("if ($syscall == 166)"), "\(changed)")
        #expect(try await BuiltProgram.run(BuiltProgram.path("lava-worker"), ["--print-seccomp", "--seccomp", "off"]).output == "# seccomp: off\n")
    }

    @Test("a bad --seccomp FILE exits with status 64 and says what is wrong, before the worker starts anything", arguments: [
        ("unknown.json", #"{"syscalls": [{"names": ["mountt"], "action": "SCMP_ACT_ALLOW"}]}"#, "syscalls[0]: unknown system call 'mountt'"),
        ("broken.json", "{", "not JSON"),
        ("missing.json", nil, "cannot read it"),
    ])
    func badSeccompFile(_ name: String, _ text: String?, _ reason: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        if let text { try directory.write(text, to: name) }
        let workerDirectory = directory.url.appendingPathComponent("worker")
        let run = try await BuiltProgram.run(BuiltProgram.path("lava-worker"), ["--url", "http://127.0.0.1:1/", "--token", "x", "--worker-dir", workerDirectory.path,
                                                                             "--log-file", "-", "--seccomp", directory.url.appendingPathComponent(name).path])
        #expect(run.status == 64)
        #expect(run.error.contains("Error: --seccomp \(directory.url.appendingPathComponent(name).path): \(reason)"), "\(run.error)")
        #expect(!FileManager.default.fileExists(atPath: workerDirectory.path), "the worker started before refusing its filter")
    }

    @Test("a worker directory that cannot be created exits with status 1")
    func unusableWorkerDirectory() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("not a directory", to: "file")
        let worker = try Self.start(["--url", "http://127.0.0.1:1/", "--token", "x",
                                     "--worker-dir", directory.url.appendingPathComponent("file/worker").path], directory: directory)
        defer { worker.kill() }
        #expect(try await worker.exitStatus(within: 60) == 1, "\(worker.log)")
        #expect(worker.log.contains("CRITICAL"), "the reason is logged:\n\(worker.log)")
    }

    @Test("a registration the server refuses exits with status 1")
    func refusedRegistration() async throws {
        try await LiveServer.run { live in
            _ = try await live.inventory.addWorker("lab-1")
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            // No token: the worker registers its name, which the server already has.
            let worker = try Self.start(["--name", "lab-1", "--url", live.url, "--worker-dir", directory.url.appendingPathComponent("worker").path],
                                        directory: directory)
            defer { worker.kill() }
            #expect(try await worker.exitStatus(within: 60) == 1, "\(worker.log)")
            #expect(worker.log.contains("HTTP 403"), "\(worker.log)")
        }
    }

    /// A worker whose first ping is held by `server` (its time limit, the ping interval, is ten
    /// minutes), once the ping is in flight.
    static func pinging(_ server: StallingServer, _ extra: [String], directory: TemporaryDirectory) async throws -> ChildProcess {
        let worker = try start(["--name", "lab-1", "--url", server.url, "--token", "x", "--ping-interval", "600",
                                "--worker-dir", directory.url.appendingPathComponent("worker").path] + extra, directory: directory)
        var requests = server.requests.makeAsyncIterator()
        // The event stream's upgrade (held too) may come first.
        var line = await requests.next()
        while line?.hasPrefix("GET /ws/ ") == true { line = await requests.next() }
        guard let line, line.hasPrefix("GET /scheduler/internal/v1/workers/lab-1/") else {
            worker.kill()
            throw TestFailure("the worker did not ping:\n\(worker.log)")
        }
        return worker
    }

    @Test("SIGTERM or SIGINT without --wait-jobs: the worker exits 0 without waiting for the ping in flight", arguments: [SIGTERM, SIGINT])
    func stopDuringPing(_ signal: Int32) async throws {
        let server = try StallingServer()
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let worker = try await Self.pinging(server, [], directory: directory)
        defer { worker.kill() }
        worker.signal(signal)
        #expect(try await worker.exitStatus(within: 60) == 0, "\(worker.log)")
        #expect(worker.log.contains("stopping now"))
    }

    @Test("--wait-jobs: a second SIGTERM or SIGINT stops the worker at once, though its drain waits for a ping", arguments: [SIGTERM, SIGINT])
    func secondSignal(_ signal: Int32) async throws {
        let server = try StallingServer()
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let worker = try await Self.pinging(server, ["--wait-jobs"], directory: directory)
        defer { worker.kill() }
        worker.signal(signal)
        try await Self.wait(for: "stopping once the running jobs are reported", in: worker)
        worker.signal(signal)
        #expect(try await worker.exitStatus(within: 60) == 0, "\(worker.log)")
        #expect(worker.log.contains("stopping now"))
    }

    @Test("--wait-jobs --stop-timeout: a drain that does not end in time is cut short, status 0")
    func stopTimeout() async throws {
        let server = try StallingServer()
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let worker = try await Self.pinging(server, ["--wait-jobs", "--stop-timeout", "1"], directory: directory)
        defer { worker.kill() }
        worker.signal(SIGTERM)
        #expect(try await worker.exitStatus(within: 60) == 0, "\(worker.log)")
        #expect(worker.log.contains("stopping once the running jobs are reported"))
        #expect(worker.log.contains("stopping now"))
    }
}
