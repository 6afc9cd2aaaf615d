import DockerEngine
import Foundation
import LavaTestSupport
import Synchronization
import Testing

/// The filters where they matter: in the privileged, host-network worker container that
/// lava-docker-worker starts from this project's image. The image is customised (--build-dir) so
/// that its lava-run first runs `SyscallProbe` and then the real lava-run, whose docker job must
/// still complete.
extension EndToEnd { @Suite struct SeccompSupervisorTests {
    /// The wrapper: its parent's (lava-worker's) and its own `Seccomp:` mode and the probe's
    /// report in /probe (a --mount of the test's), then the real lava-run, under a path that still
    /// ends in `lava-run`: lava-worker knows its lava-run by that, and would take one renamed for
    /// ended at its next look.
    static let wrapper = #"""
        #!/bin/sh
        mode() { sed -n 's/^Seccomp:[[:space:]]*//p' "/proc/$1/status"; }
        { echo "lava-worker $(mode $PPID)"; echo "lava-run $(mode $$)"; /usr/local/bin/syscall-probe; } > /probe/probe.partial
        mv /probe/probe.partial /probe/probe.out
        exec /usr/local/libexec/lava-run "$@"
        """#

    struct Outcome: Sendable {
        let lavaWorker: Int?
        let lavaRun: Int?
        let probe: SyscallProbe.Report
        let supervisor: Int?
        let log: String
    }

    /// A job through a supervisor started with `arguments`; what the probe saw, and the job's health.
    static func run(_ arguments: [String]) async throws -> Outcome {
        let outcome = Mutex<Outcome?>(nil)
        try await SupervisorTests.run { lab, repository in
            let build = lab.directory.appendingPathComponent("build")
            _ = try await SyscallProbe.build(in: build, static: true)
            try Self.wrapper.write(to: build.appendingPathComponent("lava-run-probing"), atomically: true, encoding: .utf8)
            try """
                FROM debian:anything
                COPY syscall-probe /usr/local/bin/syscall-probe
                COPY lava-run-probing /usr/local/bin/lava-run-probing
                RUN mkdir -p /usr/local/libexec && mv /usr/local/bin/lava-run /usr/local/libexec/lava-run \\
                    && mv /usr/local/bin/lava-run-probing /usr/local/bin/lava-run \\
                    && chmod 755 /usr/local/bin/lava-run /usr/local/bin/syscall-probe
                """.write(to: build.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
            let reports = lab.directory.appendingPathComponent("probe")
            try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
            let supervisor = try SupervisorTests.supervisor(lab, repository: repository, arguments: ["--mount", "\(reports.path):/probe"] + arguments)
            try await lab.serve(version: SupervisorTests.old) { live in
                try await SupervisorTests.online(SupervisorTests.old, on: live, diagnosis: supervisor.diagnosis)
                let id = try await lab.submit(JobLifecycleTests.ticking(3), to: live)
                let done = try await lab.wait(for: id, on: live, worker: supervisor) { $0.state == .finished }
                if done.health != .complete {
                    Issue.record("a normal docker job completes under the filter: \(await lab.diagnosis(done, on: live))\n\(supervisor.diagnosis)")
                }
                let report = try String(contentsOf: reports.appendingPathComponent("probe.out"), encoding: .utf8)
                let status = try String(contentsOfFile: "/proc/\(supervisor.process.processIdentifier)/status", encoding: .utf8)
                outcome.withLock {
                    $0 = Outcome(lavaWorker: SyscallProbe.number(in: report, after: "lava-worker "), lavaRun: SyscallProbe.number(in: report, after: "lava-run "),
                                 probe: SyscallProbe.Report(report), supervisor: SyscallProbe.number(in: status, after: "Seccomp:"), log: supervisor.log)
                }
            }
        }
        return try #require(outcome.withLock { $0 })
    }

    @Test("in the privileged worker container, lava-worker, lava-run and its child are filtered and each call gets EPERM; with --seccomp off they run; the job completes either way")
    func privilegedWorker() async throws {
        let filtered = try await Self.run([])
        #expect(filtered.supervisor == 2 && filtered.lavaWorker == 2 && filtered.lavaRun == 2 && filtered.probe.seccompMode == 2, "\(filtered)")
        for name in SyscallProbe.denied { #expect(filtered.probe.errnos[name] == EPERM, "\(name): \(filtered.probe)") }
        for name in SyscallProbe.allowed { #expect(filtered.probe.errnos[name] == 0, "\(name): \(filtered.probe)") }

        let unfiltered = try await Self.run(["--seccomp", "off"])
        #expect(unfiltered.supervisor == 0 && unfiltered.lavaWorker == 0 && unfiltered.probe.seccompMode == 0, "\(unfiltered)")
        #expect(unfiltered.log.contains("seccomp is off"), "\(unfiltered.log)")
        for name in SyscallProbe.unprivileged { #expect(unfiltered.probe.errnos[name] == 0, "\(name): \(unfiltered.probe)") }
        // With the capability a call needs, it fails for its arguments, not with EPERM.
        for name in SyscallProbe.deniedOnlyByFilter { #expect(unfiltered.probe.errnos[name] != EPERM, "\(name): \(unfiltered.probe)") }
    }
}
}
