import Foundation
import LavaClient
import LavaCore

/// A job's files on the worker, `<worker-dir>/tmp/<prefix><id>/` (spec §3.5): what the server
/// sent, lava-run's output, and what is reported back at the end.
public struct JobDirectory: Sendable {
    public let url: URL
    public let id: Int

    public init(workerDirectory: URL, prefix: String, id: Int) {
        url = workerDirectory.appendingPathComponent("tmp", isDirectory: true).appendingPathComponent("\(prefix)\(id)", isDirectory: true)
        self.id = id
    }

    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes job.yaml, device.yaml, dispatcher.yaml and, when there is one, env-dut.yaml.
    public func write(_ job: JobFetchResponse) throws(WorkerSetupError) {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try job.definition.write(to: file("job.yaml"), atomically: true, encoding: .utf8)
            try job.device.write(to: file("device.yaml"), atomically: true, encoding: .utf8)
            try job.dispatcher.write(to: file("dispatcher.yaml"), atomically: true, encoding: .utf8)
            if !job.envDUT.isEmpty {
                try job.envDUT.write(to: file("env-dut.yaml"), atomically: true, encoding: .utf8)
            }
        } catch {
            throw WorkerSetupError("cannot write job \(id)'s files in \(url.path): \(error.localizedDescription)")
        }
    }

    /// lava-run's command line, as LAVA's worker builds it (plus `--ca-file` when the worker has
    /// one, and the worker's `--seccomp` for the device containers).
    public func lavaRunArguments(lavaRun: String, url server: String, token: String, jobLogInterval: Int, debug: Bool,
                                 caFile: String? = nil, seccomp: String? = nil) -> [String] {
        var arguments = [lavaRun, "--device=\(file("device.yaml").path)", "--dispatcher=\(file("dispatcher.yaml").path)",
                         "--output-dir=\(url.path)", "--job-id=\(id)", "--url=\(server)", "--token=\(token)",
                         "--job-log-interval=\(jobLogInterval)"]
        if debug { arguments.append("--debug") }
        if let caFile { arguments.append("--ca-file=\(caFile)") }
        if let seccomp { arguments.append("--seccomp=\(seccomp)") }
        arguments.append(file("job.yaml").path)
        if FileManager.default.fileExists(atPath: file("env-dut.yaml").path) {
            arguments.append("--env-dut=\(file("env-dut.yaml").path)")
        }
        return arguments
    }

    /// The FINISHED report from lava-run's `result.yaml`, `stderr` and `description.yaml`
    /// (spec §4.3): a missing or unreadable result is a failure of type Bug.
    public func finishedReport() -> FinishedReport {
        let result = (try? String(contentsOf: file(JobResultFile.name), encoding: .utf8)).flatMap(JobResultFile.init(yaml:))
        let passed = result?.passed ?? false
        let errorType = result?.errorType
        let errors = (try? String(contentsOf: file("stderr"), encoding: .utf8)) ?? ""
        let description = (try? String(contentsOf: file("description.yaml"), encoding: .utf8))?
            .replacingOccurrences(of: "\0", with: "\u{FFFD}") ?? ""
        return FinishedReport(passed: passed, errorType: errorType ?? (passed ? "" : "Bug"), errors: errors, description: description)
    }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
