import Foundation
import LavaTestSupport
import Testing

/// lava-worker's seccomp filter, loaded at its start, reaching lava-run and what lava-run starts:
/// the worker's lava-run is a stand-in that runs `SyscallProbe`, with and without the filter.
extension EndToEnd { @Suite struct SeccompWorkerTests {
    /// A `lava-run` that writes its own `Seccomp:` mode and the probe's report to `output`.
    static func probingLavaRun(in lab: DockerLab, probe: SyscallProbe, output: URL) throws -> String {
        let path = lab.directory.appendingPathComponent("stand-in/lava-run").path
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try """
            #!/bin/sh
            { echo "lava-run $(sed -n 's/^Seccomp:[[:space:]]*//p' /proc/$$/status)"; '\(probe.executable.path)'; } > '\(output.path).partial'
            mv '\(output.path).partial' '\(output.path)'
            """.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    /// Runs a job on a lava-worker started with `--seccomp setting`; the stand-in's output, and
    /// the worker's own `Seccomp:` mode.
    static func probe(_ setting: String) async throws -> (lavaRun: Int?, probe: SyscallProbe.Report, worker: Int?, log: String) {
        try await DockerLab.run { lab, live in
            let probe = try await SyscallProbe.build(in: lab.directory.appendingPathComponent("probe"))
            let output = lab.directory.appendingPathComponent("probe.out")
            let worker = try lab.worker(arguments: ["--seccomp", setting, "--lava-run", try Self.probingLavaRun(in: lab, probe: probe, output: output)])
            defer { worker.stop() }
            let id = try await lab.submit(WorkerEventsTests.job, to: live)
            _ = try await lab.wait(for: id, on: live, within: 60, worker: worker) { $0.state == .running || $0.state == .finished }
            let text: String
            do {
                text = try await within(60, "the probe's report") {
                    while !FileManager.default.fileExists(atPath: output.path) { try await Task.sleep(for: .milliseconds(100)) }
                    return try String(contentsOf: output, encoding: .utf8)
                }
            } catch {
                throw TestFailure("\(error); job \(try await lab.job(id, on: live)); \(worker.diagnosis)")
            }
            let status = try String(contentsOfFile: "/proc/\(worker.process.processIdentifier)/status", encoding: .utf8)
            let mode = SyscallProbe.number(in: status, after: "Seccomp:")
            let lavaRun = SyscallProbe.number(in: text, after: "lava-run ")
            // The kernel's records of the denials reach the worker's log a moment later.
            if setting != "off", let pid = SyscallProbe.Report(text).pid, SyscallProbe.kernelLogged(pid: pid) {
                _ = try? await within(10, "the worker to log a denial") {
                    while !worker.log.contains("host pid \(pid))") { try await Task.sleep(for: .milliseconds(100)) }
                }
            }
            return (lavaRun, SyscallProbe.Report(text), mode, worker.log)
        }
    }

    @Test("--seccomp default: lava-worker, lava-run and its child are filtered, and each denied call gets EPERM; off: the same calls run")
    func deniedAndNot() async throws {
        let filtered = try await Self.probe("default")
        #expect(filtered.worker == 2 && filtered.lavaRun == 2 && filtered.probe.seccompMode == 2, "\(filtered)")
        for name in SyscallProbe.denied { #expect(filtered.probe.errnos[name] == EPERM, "\(name): \(filtered.probe)") }
        for name in SyscallProbe.allowed { #expect(filtered.probe.errnos[name] == 0, "\(name): \(filtered.probe)") }
        #expect(filtered.log.contains("INFO seccomp (default) denies acct add_key adjtimex"), "\(filtered.log)")
        #expect(filtered.log.contains(" personality(some arguments) "), "\(filtered.log)")
        // What the kernel recorded (it rate-limits: 10 in 5 s, host-wide), the worker logs.
        if let pid = filtered.probe.pid, SyscallProbe.kernelLogged(pid: pid) {
            #expect(filtered.log.contains("to syscall-probe (") && filtered.log.contains("host pid \(pid))"), "\(filtered.log)")
        }

        let unfiltered = try await Self.probe("off")
        #expect(unfiltered.worker == 0 && unfiltered.lavaRun == 0 && unfiltered.probe.seccompMode == 0, "\(unfiltered)")
        #expect(unfiltered.log.contains("WARNING seccomp is off (--seccomp off)"), "\(unfiltered.log)")
        for name in SyscallProbe.unprivileged { #expect(unfiltered.probe.errnos[name] == 0, "\(name): \(unfiltered.probe)") }
        for name in SyscallProbe.deniedOnlyByFilter { #expect(unfiltered.probe.errnos[name] != EPERM, "\(name): \(unfiltered.probe)") }
    }

    @Test("--seccomp FILE allowing mount and denying adjtimex with EXDEV: the filter is the profile changed so")
    func file() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(#"""
            {"syscalls": [{"names": ["mount"], "action": "SCMP_ACT_ALLOW"},
                          {"names": ["adjtimex"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]}
            """#, to: "extra.json")
        let changed = try await Self.probe(directory.url.appendingPathComponent("extra.json").path)
        #expect(changed.probe.errnos["adjtimex"] == EXDEV, "\(changed.probe)")
        if SyscallProbe.deniedOnlyByFilter.contains("mount") { #expect(changed.probe.errnos["mount"] != EPERM, "\(changed.probe)") }
        #expect(changed.probe.errnos["init_module"] == EPERM, "\(changed.probe)")
    }
}
}
