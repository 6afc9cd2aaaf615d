import Foundation
import LavaCore
@testable import LavaServer
import LavaTestSupport
import Testing

/// LAVA's own worker and dispatcher (Debian bookworm's lava-dispatcher 2023.01, installed by
/// scripts/install-deps.sh) as the worker of our server at version 2023.01, running the README's
/// first job on the docker device configurations our server renders.
extension EndToEnd { @Suite struct DebianLavaWorkerTests {
    static let lavaWorker = URL(fileURLWithPath: "/usr/bin/lava-worker")

    /// server/examples/docker-job.yaml with its image taken from the engine (there is no registry
    /// of Debian's images here): LAVA's `local: true`.
    static func exampleJob() throws -> String {
        let example = try String(contentsOf: PackageFiles.url("server/examples/docker-job.yaml"), encoding: .utf8)
        let local = example.replacingOccurrences(of: "image: \(TestDocker.baseImage),", with: "image: {name: \(TestDocker.baseImage), local: true},")
        guard local != example else { throw TestFailure("server/examples/docker-job.yaml no longer names image: \(TestDocker.baseImage)") }
        return local
    }

    /// Runs the example job on `docker-01` with LAVA's lava-worker and returns it with its log,
    /// after checking it ended Complete with the example's test cases passed.
    static func runExample(_ lab: DockerLab, _ live: LiveServer) async throws -> (job: JobRecord, log: [String]) {
        guard FileManager.default.isExecutableFile(atPath: lavaWorker.path) else {
            throw TestFailure("\(lavaWorker.path) is missing: install Debian's lava-dispatcher (scripts/install-deps.sh does)")
        }
        let worker = try lab.worker("lava-dispatcher", executable: lavaWorker)
        defer { worker.stop() }
        let id = try await lab.submit(try exampleJob(), to: live)
        let done = try await lab.wait(for: id, on: live, within: 240, worker: worker) { $0.state == .finished }
        let log = try await live.storedLog(id)
        #expect(done.health == .complete, "\(log.suffix(30).joined(separator: "\n"))\n\(worker.log.suffix(3000))")
        let cases = try await lab.testCases(id)
        for name in ["kernel", "os-release"] {
            #expect(cases.first { $0.suite == "0_smoke" && $0.name == name }?.result == "pass", "\(cases.map { "\($0.suite)/\($0.name)=\($0.result)" })")
        }
        #expect(cases.first { $0.suite == "lava" && $0.name == "job" }?.result == "pass")
        return (done, log)
    }

    @Test("LAVA's lava-worker runs the README's first job to Complete on the default docker configuration")
    func defaultConfiguration() async throws {
        try await DockerLab.prepare { lab in
            try await lab.serve(version: "2023.01") { live in
                let (job, _) = try await Self.runExample(lab, live)
                let device = try #require(try await live.server.logs.file(job.logKey, .device))
                #expect(device.contains("lava-docker-test-shell"), "the complete configuration of server/etc was sent")
            }
        }
    }

    @Test("LAVA's lava-worker runs it on a device added from a Jinja2 dictionary: its docker_volumes reach docker run")
    func jinjaDictionary() async throws {
        let shared = try TemporaryDirectory()
        defer { shared.remove() }
        try await DockerLab.prepare { lab in
            try await lab.serve(version: "2023.01") { live in
                let text = """
                    {% extends 'docker.jinja2' %}
                    {% set docker_volumes = ['\(shared.url.path):/srv/lava-volume'] %}
                    {% set docker_memory = '512m' %}

                    """
                let dictionary = try DeviceDictionary(text, file: "docker-01.jinja2", templates: live.server.deviceTemplates)
                try await live.inventory.setDictionary(device: "docker-01", dictionary)
                let (_, log) = try await Self.runExample(lab, live)
                let run = log.first { $0.contains("docker run") && $0.contains("--volume") }
                #expect(run?.contains("--volume \(shared.url.path):/srv/lava-volume") == true, "\(log.filter { $0.contains("docker") }.joined(separator: "\n"))")
                #expect(run?.contains("--memory 512m") == true)
            }
        }
    }
} }
