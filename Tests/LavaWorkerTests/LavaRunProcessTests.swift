import Foundation
import LavaTestSupport
@testable import LavaWorker
import Testing

/// Finding a running lava-run again after a worker restart (/proc): only this worker's.
@Suite struct LavaRunProcessTests {
    /// A stand-in lava-run: a shell script of that name that sleeps, so its command line is
    /// `/bin/sh …/lava-run ARGUMENTS`, which the worker takes for a lava-run.
    static func fakeLavaRun(in directory: URL) throws -> URL {
        let script = directory.appendingPathComponent("bin/lava-run")
        try FileManager.default.createDirectory(at: script.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "#!/bin/sh\nsleep 60\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return script
    }

    static func arguments(_ lavaRun: URL, workerDirectory: URL, prefix: String, id: Int) -> [String] {
        [lavaRun.path, "--output-dir=\(JobDirectory(workerDirectory: workerDirectory, prefix: prefix, id: id).url.path)", "--job-id=\(id)"]
    }

    @Test("a lava-run of this worker's directory is found with its prefix; another worker's lava-run of the same job id, or one in another pid namespace (a container's, which the host's /proc lists too), is not")
    func onlyThisWorkers() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lava-find-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let lavaRun = try Self.fakeLavaRun(in: root)
        let mine = root.appendingPathComponent("worker"), other = root.appendingPathComponent("other-worker")

        let others = try LavaRunProcess.spawn(Self.arguments(lavaRun, workerDirectory: other, prefix: "", id: 987_654), environment: [:], stdout: nil, stderr: nil)
        // The same worker directory, in a pid namespace of its own: `unshare` runs a script that
        // becomes the lava-run there (unshare's own command line names no job).
        let enter = root.appendingPathComponent("enter")
        let inner = Self.arguments(lavaRun, workerDirectory: mine, prefix: "lab-", id: 987_654).map { "'\($0)'" }.joined(separator: " ")
        try "#!/bin/sh\nexec \(inner)\n".write(to: enter, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: enter.path)
        let contained = try LavaRunProcess.spawn(["/usr/bin/unshare", "--pid", "--fork", enter.path], environment: [:], stdout: nil, stderr: nil)
        defer {
            for pid in [others, contained] { LavaRunProcess.killGroup(pid); LavaRunProcess.reap(pid) }
        }
        try await within(10, "both stand-ins to run") {
            while !LavaRunProcess.isRunning(others, jobID: 987_654) || Self.countLavaRuns(id: 987_654) < 2 {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        #expect(LavaRunProcess.find(jobID: 987_654, workerDirectory: mine) == nil, "neither the other worker's nor the container's")
        #expect(LavaRunProcess.find(jobID: 987_654, workerDirectory: other)?.pid == others)

        let own = try LavaRunProcess.spawn(Self.arguments(lavaRun, workerDirectory: mine, prefix: "lab-", id: 987_654), environment: [:], stdout: nil, stderr: nil)
        defer { LavaRunProcess.killGroup(own); LavaRunProcess.reap(own) }
        let found = try #require(LavaRunProcess.find(jobID: 987_654, workerDirectory: mine))
        #expect(found.pid == own && found.prefix == "lab-")
        #expect(LavaRunProcess.find(jobID: 987_655, workerDirectory: mine) == nil)
    }

    /// Processes whose command line names a lava-run of job `id`, in any namespace.
    static func countLavaRuns(id: Int) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { entry in
            guard Int32(entry) != nil, let cmdline = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return false }
            let arguments = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return arguments.contains { $0.hasSuffix("/lava-run") } && arguments.contains("--job-id=\(id)")
        }.count
    }
}
