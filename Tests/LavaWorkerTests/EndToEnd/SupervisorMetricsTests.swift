import Curl
import DockerEngine
import Foundation
import LavaTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// lava-docker-worker --metrics-address on the real engine with our server: the Prometheus text
/// and `lava-docker-worker status` once the worker is online, and while it runs a job; an
/// address it cannot bind, no listener without the option, and status's exit statuses.
extension EndToEnd.SupervisorTests {
    /// The samples at `address`, as Prometheus would scrape them: `name{labels} value` by line.
    static func scrape(_ address: String) async throws -> [String: Double] {
        let session = try CurlSession(configuration: CurlConfiguration(userAgent: "lava-test"))
        let response = try await session.perform(CurlRequest(.get, "http://\(address)/metrics"))
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        var samples: [String: Double] = [:]
        for line in response.text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    static func status(_ address: String) async throws -> (status: Int32, output: String, error: String) {
        try await BuiltProgram.run(BuiltProgram.path("lava-docker-worker"), ["status", "--metrics-address", address])
    }

    @Test("--metrics-address: phase, versions, starts, the pull and its duration, last contact, jobs running; status prints them")
    func metrics() async throws {
        try await Self.run { lab, repository in
            // Only in the registry: the supervisor pulls it, once.
            let image = "\(repository):\(Self.old)"
            let docker = try DockerLab.docker()
            try await docker.pushImage(image) { _ in }
            try await docker.removeImage(image)
            let address = "127.0.0.1:\(try FreePort.next())"
            let started = Date().timeIntervalSince1970.rounded(.down)
            let supervisor = try Self.supervisor(lab, repository: repository, arguments: ["--metrics-address", address])
            try await lab.serve(version: Self.old) { live in
                try await Self.online(Self.old, on: live, diagnosis: supervisor.diagnosis)
                // Bound to that address only (and the proof that the test without the option would see a listener).
                #expect(try ListeningSockets.of(supervisor.process.processIdentifier) == [address])
                var samples = try await Self.scrape(address)
                #expect(samples[#"lava_docker_worker_phase{phase="running"}"#] == 1, "\(samples)")
                #expect(samples.filter { $0.key.hasPrefix("lava_docker_worker_phase{") && $0.value == 1 }.count == 1)
                #expect(samples[#"lava_docker_worker_worker_version_info{version="\#(Self.old)"}"#] == 1)
                #expect(samples[#"lava_docker_worker_server_version_info{version="\#(Self.old)"}"#] == 1)
                #expect(samples.keys.contains { $0.hasPrefix("lava_docker_worker_info{version=") })
                #expect(samples["lava_docker_worker_container_starts_total"] == 1)
                #expect(samples["lava_docker_worker_crashes_in_a_row"] == 0)
                #expect(samples[#"lava_docker_worker_image_pulls_total{result="pulled"}"#] == 1)
                #expect(samples[#"lava_docker_worker_image_pulls_total{result="failed"}"#] == 0)
                #expect(samples["lava_docker_worker_image_pull_duration_seconds_count"] == 1)
                #expect((samples["lava_docker_worker_image_pull_duration_seconds_sum"] ?? 0) > 0)
                let contact = try #require(samples["lava_docker_worker_last_server_contact_timestamp_seconds"])
                #expect(contact >= started && contact <= Date().timeIntervalSince1970)
                #expect(samples["lava_docker_worker_jobs_running"] == 0)

                let idle = try await Self.status(address)
                #expect(idle.status == 0, "\(idle.error)")
                for line in ["phase", "running", "worker container", "server version", "1 (0 restarts)", "image pulls",
                             "last server contact", " ago)", "jobs running"] {
                    #expect(idle.output.contains(line), "\(line) not in:\n\(idle.output)")
                }
                #expect(idle.output.split(separator: "\n").contains { $0.hasPrefix("jobs running") && $0.hasSuffix(" 0") }, "\(idle.output)")

                let id = try await lab.submit(EndToEnd.JobLifecycleTests.ticking(15, pause: "1"), to: live)
                try await lab.wait(for: id, on: live, logContaining: "tick 2")
                samples = try await Self.scrape(address)
                #expect(samples["lava_docker_worker_jobs_running"] == 1, "\(samples)")
                let busy = try await Self.status(address)
                #expect(busy.output.split(separator: "\n").contains { $0.hasPrefix("jobs running") && $0.hasSuffix(" 1") }, "\(busy.output)")
                // To its end, so that its lava-run removes the job's container.
                let done = try await lab.wait(for: id, on: live, worker: supervisor) { $0.state == .finished }
                #expect(done.health == .complete)
            }
        }
    }

    @Test("status with nothing listening: exits 69 and says to start with --metrics-address")
    func statusWithoutListener() async throws {
        let address = "127.0.0.1:\(try FreePort.next())"
        let result = try await Self.status(address)
        #expect(result.status == 69)
        #expect(result.error.contains("nothing answers at http://\(address)/metrics"), "\(result.error)")
        #expect(result.error.contains("--metrics-address"))
    }

    @Test("status where something else answers, or answers 404: exits 76 and says it is not lava-docker-worker's metrics",
          arguments: [["metrics": Data("up 1\n".utf8)], [:]])
    func statusOfSomethingElse(files: [String: Data]) async throws {
        try await FileServer.run(files: files) { url in
            let address = String(url.dropFirst("http://".count))
            let result = try await Self.status(address)
            #expect(result.status == 76, "\(result.output)\(result.error)")
            let answer = files.isEmpty ? 404 : 200
            #expect(result.error.contains("\(url)/metrics answers \(answer), without lava-docker-worker's metrics"), "\(result.error)")
            #expect(result.output.isEmpty)
        }
    }

    @Test("--metrics-address at a port another program holds: the error is logged and the worker still goes online")
    func metricsAddressTaken() async throws {
        let (holder, port) = try LoopbackListener.open(for: "the port's other owner")
        defer { close(holder) }
        let address = "127.0.0.1:\(port)"
        try await Self.run { lab, repository in
            let supervisor = try Self.supervisor(lab, repository: repository, arguments: ["--metrics-address", address])
            try await lab.serve(version: Self.old) { live in
                try await Self.online(Self.old, on: live, diagnosis: supervisor.diagnosis)
                #expect(supervisor.process.isRunning)
                let logged = "cannot serve metrics at \(address): "
                for _ in 0..<150 where !supervisor.log.contains(logged) {
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(supervisor.log.contains(logged), "\(supervisor.diagnosis)")
                #expect(supervisor.log.contains("going on without them (check --metrics-address)"), "\(supervisor.diagnosis)")
                #expect(try ListeningSockets.of(supervisor.process.processIdentifier) == [])
            }
        }
    }

    @Test("without --metrics-address nothing listens: the supervisor, online, has no listening socket")
    func noMetricsAddress() async throws {
        try await Self.run { lab, repository in
            let supervisor = try Self.supervisor(lab, repository: repository)
            try await lab.serve(version: Self.old) { live in
                try await Self.online(Self.old, on: live, diagnosis: supervisor.diagnosis)
                #expect(try ListeningSockets.of(supervisor.process.processIdentifier) == [])
                #expect(!supervisor.log.contains("metrics at"), "\(supervisor.diagnosis)")
            }
        }
    }
}
