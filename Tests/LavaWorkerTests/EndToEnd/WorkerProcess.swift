import Foundation
import LavaTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A built program of the worker side (lava-worker, lava-run beside it, or lava-docker-worker),
/// run as a lab host runs it, against the test engine (DOCKER_HOST), its log in
/// `<directory>/<program>.log`.
final class WorkerProcess: Sendable {
    let directory: URL
    let process: Process

    let program: String

    /// Starts `<program> --name lab-1 --url URL --token TOKEN --worker-dir DIRECTORY` with a
    /// one-second ping and log interval; the program is ours unless `executable` names another
    /// (LAVA's lava-worker takes the same options). `launcher` is a command line to run it under
    /// (`IsolatedResolver.launcher`); `name` nil leaves `--name` out.
    init(_ program: String = "lava-worker", executable: URL? = nil, launcher: [String] = [], name: String? = "lab-1", url: String,
         token: String, directory: URL, arguments: [String] = [], environment: [String: String] = [:]) throws {
        self.directory = directory
        self.program = program
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        process = Process()
        let command = launcher + [(executable ?? BuiltProgram.path(program)).path] + (name.map { ["--name", $0] } ?? [])
            + ["--url", url, "--token", token, "--worker-dir", directory.path,
               "--log-file", directory.appendingPathComponent("\(program).log").path,
               "--ping-interval", "1", "--job-log-interval", "1"] + arguments
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var inherited = ProcessInfo.processInfo.environment
        for name in ["http_proxy", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY"] {
            inherited[name] = nil
        }
        inherited["DOCKER_HOST"] = "unix://" + (try TestDocker.socketPath())
        process.environment = inherited.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        // What it says before its log is open (a refused command line, a crash).
        let errors = directory.appendingPathComponent("\(program).stderr")
        guard FileManager.default.createFile(atPath: errors.path, contents: nil) else {
            throw TestFailure("cannot create \(errors.path)")
        }
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
    }

    var log: String { (try? String(contentsOf: directory.appendingPathComponent("\(program).log"), encoding: .utf8)) ?? "" }

    /// For a failure's message: whether it still runs, its standard error and its log.
    var diagnosis: String {
        let state = process.isRunning ? "running" : "exited with status \(process.terminationStatus)"
        let errors = (try? String(contentsOf: directory.appendingPathComponent("\(program).stderr"), encoding: .utf8)) ?? ""
        return "\(program) (\(state)); standard error:\n\(errors)\nlog:\n\(log)"
    }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// The exit status once the worker has ended, within `seconds`.
    func exitStatus(within seconds: Int) async throws -> Int32 {
        for _ in 0..<(seconds * 10) {
            if !process.isRunning { return process.terminationStatus }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("\(program) did not exit within \(seconds) s; its log:\n\(log)")
    }

    /// Ends the worker and any lava-run it left (tests that are done with it), so that no job
    /// of a finished test keeps talking to a server; also the worker itself when a launcher ran
    /// it as a child that outlives the launcher (strace).
    func stop() {
        if process.isRunning { signal(SIGKILL) }
        process.waitUntilExit()
        let job = "--output-dir=\(directory.path)/tmp/"
        let worker = "\0--worker-dir\0\(directory.path)\0"
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let cmdline = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            let line = String(decoding: cmdline, as: UTF8.self)
            if line.contains(job) { kill(-pid, SIGKILL) }
            if line.contains(worker) { kill(pid, SIGKILL) }
        }
    }
}
