import DockerEngine
import Foundation
import LavaCore
@testable import LavaServer
import LavaTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A running docker job through a cancel, a server restart and a worker restart: nothing lost,
/// nothing run twice.
extension EndToEnd { @Suite struct JobLifecycleTests {
    /// A job whose test prints `tick 1` ... `tick <count>`, `pause` seconds apart.
    static func ticking(_ count: Int, pause: String = "0.1") -> String {
        DockerJobTests.job("ticks", timeout: "{minutes: 3}", definitions: """
                - from: inline
                  name: ticks
                  path: inline/ticks.yaml
                  repository:
                    metadata: {format: Lava-Test Test Definition 1.0, name: ticks}
                    run: {steps: ["for i in $(seq 1 \(count)); do echo tick $i; sleep \(pause); done", "lava-test-case ticked --result pass"]}
            """)
    }

    /// The `tick N` target lines of a log, in order.
    static func ticks(_ log: [String]) -> [Int] {
        log.compactMap { line in
            guard line.contains(#""lvl": "target""#), let range = line.range(of: #""msg": "tick "#) else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
    }

    @Test("cancel a running job: the DUT container is gone and the job ends Canceled")
    func cancel() async throws {
        try await DockerLab.run { lab, live in
            let worker = try lab.worker()
            defer { worker.stop() }
            let id = try await lab.submit(Self.ticking(600, pause: "1"), to: live)
            try await lab.wait(for: id, on: live, logContaining: "tick 2")
            #expect(try await DockerLab.docker().inspectContainer(lab.container(id))?.state.running == true)
            try await lab.cancel(id)
            let done = try await lab.wait(for: id, on: live, within: 30, worker: worker) { $0.state == .finished }
            #expect(done.health == .canceled)
            #expect(try await DockerLab.docker().inspectContainer(lab.container(id)) == nil)
            let log = try await live.storedLog(id)
            #expect(log.contains { $0.contains(#""error_type": "Canceled""#) && $0.contains(#""case": "job""#) })
        }
    }

    @Test("the server restarts mid-job: the full log arrives, no line twice")
    func serverRestart() async throws {
        let count = 80
        try await DockerLab.prepare { lab in
            let worker = try lab.worker()
            defer { worker.stop() }
            let id = try await lab.serve { live in
                let id = try await lab.submit(Self.ticking(count), to: live)
                try await lab.wait(for: id, on: live, logContaining: "tick 10")
                return id
            }
            // The server is away for two seconds while the job prints on.
            try await Task.sleep(for: .seconds(2))
            try await lab.serve { live in
                let done = try await lab.wait(for: id, on: live, within: 60, worker: worker) { $0.state == .finished }
                #expect(done.health == .complete)
                let log = try await live.storedLog(id)
                #expect(Self.ticks(log) == Array(1...count))
                #expect(Set(log).count == log.count, "a line is stored twice")
            }
        }
    }

    @Test("lava-worker is killed mid-job and started again: the job is not started twice and finishes")
    func workerRestart() async throws {
        let count = 100
        try await DockerLab.run { lab, live in
            let first = try lab.worker()
            let id = try await lab.submit(Self.ticking(count), to: live)
            try await lab.wait(for: id, on: live, logContaining: "tick 5")
            first.signal(SIGKILL)
            _ = try await first.exitStatus(within: 10)
            #expect(try await lab.job(id, on: live).state == .running, "the job ended before the worker came back")
            let second = try lab.worker()
            defer { second.stop() }
            let done = try await lab.wait(for: id, on: live, within: 60, worker: second) { $0.state == .finished }
            #expect(done.health == .complete)
            let log = try await live.storedLog(id)
            #expect(log.filter { $0.contains("start: 0 validate") }.count == 1)
            #expect(Self.ticks(log) == Array(1...count))
            // Both workers log to the same file.
            #expect(second.log.components(separatedBy: "lava-run started").count == 2, "the job was started again:\n\(second.log)")
        }
    }

    @Test("SIGTERM or SIGINT with --wait-jobs: no new job is taken, the running one finishes, exit status 0", arguments: [SIGTERM, SIGINT])
    func waitJobs(_ signal: Int32) async throws {
        try await DockerLab.run { lab, live in
            let worker = try lab.worker(arguments: ["--wait-jobs"])
            defer { worker.stop() }
            let id = try await lab.submit(Self.ticking(30), to: live)
            try await lab.wait(for: id, on: live, logContaining: "tick 3")
            worker.signal(signal)
            let next = try await lab.submit(Self.ticking(1), to: live)
            #expect(try await worker.exitStatus(within: 60) == 0)
            #expect(try await lab.job(id, on: live).health == .complete)
            #expect(try await lab.job(next, on: live).state != .running)
            #expect(try await lab.job(next, on: live).state != .finished)
        }
    }

    @Test("the server is upgraded mid-job: the job finishes, then --exit-on-version-mismatch exits with status 75")
    func versionMismatch() async throws {
        try await DockerLab.prepare { lab in
            let worker = try lab.worker(arguments: ["--exit-on-version-mismatch"])
            defer { worker.stop() }
            let id = try await lab.serve { live in
                let id = try await lab.submit(Self.ticking(40), to: live)
                try await lab.wait(for: id, on: live, logContaining: "tick 3")
                return id
            }
            try await lab.serve(version: "2026.12") { live in
                #expect(try await worker.exitStatus(within: 60) == 75)
                let job = try await lab.job(id, on: live)
                #expect(job.health == .complete)
                #expect(Self.ticks(try await live.storedLog(id)) == Array(1...40))
                #expect(worker.log.contains("version mismatch"))
            }
        }
    }

    @Test("http_proxy is used: pings, job fetches and log uploads go through the proxy")
    func proxy() async throws {
        let proxy = try ForwardingProxy()
        defer { proxy.stop() }
        try await DockerLab.run { lab, live in
            let worker = try lab.worker(environment: ["http_proxy": "http://127.0.0.1:\(proxy.port)"])
            defer { worker.stop() }
            let id = try await lab.submit(Self.ticking(3), to: live)
            let done = try await lab.wait(for: id, on: live, worker: worker) { $0.state == .finished }
            #expect(done.health == .complete)
            let seen = proxy.requestLines
            let server = "http://127.0.0.1:\(lab.port)"
            #expect(seen.contains { $0.hasPrefix("GET \(server)/scheduler/internal/v1/workers/lab-1/") })
            #expect(seen.contains { $0.hasPrefix("GET \(server)/scheduler/internal/v1/jobs/\(id)/") })
            #expect(seen.contains { $0.hasPrefix("POST \(server)/scheduler/internal/v1/jobs/\(id)/logs/") })
        }
    }
}
}
