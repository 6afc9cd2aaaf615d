import DockerEngine
import Foundation
import LavaCore
@testable import LavaServer
import LavaTestSupport
import Testing

/// lava-worker and lava-run against a real server and the real Docker engine, one test at a
/// time (they share the engine and the two cores).
@Suite(.serialized) enum EndToEnd {}

/// Jobs as a user submits them, results as the server stores them.
extension EndToEnd { @Suite struct DockerJobTests {
    static func job(_ name: String, timeout: String = "{minutes: 2}", image: String = TestDocker.baseImage,
                    definitions: String) -> String {
        """
        device_type: docker
        job_name: \(name)
        timeouts: {job: {minutes: 5}}
        visibility: public
        actions:
        - deploy: {to: docker, image: \(image), os: debian, timeout: {minutes: 2}}
        - boot: {method: docker, command: bash, prompts: ['root@lava:/'], timeout: {minutes: 1}}
        - test:
            timeout: \(timeout)
            definitions:
        \(definitions)
        """
    }

    /// A test definition file running `steps`.
    static func testDefinition(_ name: String, _ steps: [String]) -> String {
        "metadata: {format: Lava-Test Test Definition 1.0, name: \(name)}\nrun:\n  steps:\n"
            + steps.map { "  - \"\($0.replacingOccurrences(of: "\"", with: "\\\""))\"\n" }.joined()
    }

    @Test("git, inline and tar.gz definitions: Complete, with pass, fail and measurement test cases, LAVA_JOB_ID in the log")
    func threeDefinitions() async throws {
        let files = try TemporaryDirectory()
        defer { files.remove() }
        let repository = files.url.appendingPathComponent("repo")
        try files.write(Self.testDefinition("git-smoke", ["lava-test-case git-pass --result pass", "lava-test-case git-fail --result fail"]),
                        to: "repo/smoke.yaml")
        try shell(["git", "init", "-q", "-b", "main"], in: repository)
        try shell(["git", "-c", "user.name=t", "-c", "user.email=t@t", "add", "smoke.yaml"], in: repository)
        try shell(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "smoke"], in: repository)
        try files.write(Self.testDefinition("tar-smoke", ["lava-test-case tar-speed --result pass --measurement 42.5 --units MB/s"]),
                        to: "archive/tests/tar.yaml")
        try shell(["tar", "-czf", files.url.appendingPathComponent("tests.tar.gz").path, "-C", files.url.appendingPathComponent("archive").path, "tests"])
        let archive = try Data(contentsOf: files.url.appendingPathComponent("tests.tar.gz"))

        try await FileServer.run(files: ["tests.tar.gz": archive]) { base in
            try await DockerLab.run { lab, live in
                let worker = try lab.worker()
                defer { worker.stop() }
                let id = try await lab.submit(Self.job("three definitions", definitions: """
                        - {from: git, repository: \(repository.path), path: smoke.yaml, name: git-smoke, branch: main}
                        - from: inline
                          name: inline-smoke
                          path: inline/smoke.yaml
                          repository:
                            metadata: {format: Lava-Test Test Definition 1.0, name: inline-smoke}
                            run: {steps: ["lava-test-case job-id --shell 'echo LAVA_JOB_ID=$LAVA_JOB_ID'", "echo LAVA_DISPATCHER_IP=$LAVA_DISPATCHER_IP"]}
                        - {from: url, repository: \(base)/tests.tar.gz, compression: gz, path: tests/tar.yaml, name: tar-smoke}
                    """), to: live)
                let done = try await lab.wait(for: id, on: live, worker: worker) { $0.state == .finished }
                let log = try await live.storedLog(id)
                #expect(done.health == .complete, "\(log.suffix(20).joined(separator: "\n"))")
                #expect(log.contains { $0.contains(#""lvl": "target", "msg": "LAVA_JOB_ID=\#(id)""#) })
                #expect(log.contains { $0.contains(#""msg": "LAVA_DISPATCHER_IP=127.0.0.1""#) })

                let cases = try await lab.testCases(id)
                func result(_ suite: String, _ name: String) -> DockerLab.TestCase? {
                    cases.first { $0.suite == suite && $0.name == name }
                }
                #expect(result("0_git-smoke", "git-pass")?.result == "pass")
                #expect(result("0_git-smoke", "git-fail")?.result == "fail")
                #expect(result("1_inline-smoke", "job-id")?.result == "pass")
                #expect(result("2_tar-smoke", "tar-speed")?.measurement == 42.5)
                #expect(result("2_tar-smoke", "tar-speed")?.unit == "MB/s")
                for run in ["0_git-smoke", "1_inline-smoke", "2_tar-smoke", "job"] {
                    #expect(result("lava", run)?.result == "pass", "lava/\(run)")
                }
                // The DUT container is gone.
                #expect(try await DockerLab.docker().inspectContainer(lab.container(id)) == nil)
            }
        }
    }

    @Test("the README's first job, server/examples/docker-job.yaml, completes with its two test cases passed")
    func readmeExample() async throws {
        let example = PackageFiles.url("server/examples/docker-job.yaml")
        let definition = try String(contentsOf: example, encoding: .utf8)
        #expect(definition.contains("image: \(TestDocker.baseImage)"), "the example boots the image the test engine has")
        try await DockerLab.run { lab, live in
            let worker = try lab.worker()
            defer { worker.stop() }
            let id = try await lab.submit(definition, to: live)
            let done = try await lab.wait(for: id, on: live, worker: worker) { $0.state == .finished }
            let log = try await live.storedLog(id)
            #expect(done.health == .complete, "\(log.suffix(20).joined(separator: "\n"))")
            let cases = try await lab.testCases(id).filter { $0.suite == "0_smoke" }
            #expect(cases.map(\.name).sorted() == ["kernel", "os-release"])
            #expect(cases.allSatisfy { $0.result == "pass" }, "\(cases)")
        }
    }

    @Test("a tar with a ../ member ends the job Incomplete with an error naming the member; nothing lands outside")
    func unsafeTar() async throws {
        var tar = TarBuilder()
        tar.file("tests/ok.yaml", Self.testDefinition("ok", ["true"]))
        tar.file("../evil", "boom")
        let archive = tar.finished()
        try await FileServer.run(files: ["evil.tar": archive]) { base in
            try await DockerLab.run { lab, live in
                let worker = try lab.worker()
                defer { worker.stop() }
                let id = try await lab.submit(Self.job("unsafe tar", definitions: """
                        - {from: url, repository: \(base)/evil.tar, path: tests/ok.yaml, name: evil}
                    """), to: live)
                let done = try await lab.wait(for: id, on: live, worker: worker) { $0.state == .finished }
                #expect(done.health == .incomplete)
                let log = try await live.storedLog(id)
                #expect(log.contains { $0.contains("\"lvl\": \"error\"") && $0.contains("../evil") },
                        "\(log.joined(separator: "\n"))")
                #expect(!FileManager.default.fileExists(atPath: worker.directory.appendingPathComponent("tmp/evil").path))
            }
        }
    }

    @Test("a job that cannot be fetched yet (its worker's dispatcher.yaml is broken) stays Scheduled through the worker's retries, and runs to Complete once the file is mended")
    func fetchFailsThenWorks() async throws {
        try await DockerLab.run { lab, live in
            let file = lab.directory.appendingPathComponent("etc/dispatcher.d/lab-1/dispatcher.yaml")
            let good = try String(contentsOf: file, encoding: .utf8)
            try "prefix: [unclosed\n".write(to: file, atomically: true, encoding: .utf8)
            let worker = try lab.worker()
            defer { worker.stop() }
            let id = try await lab.submit(Self.job("fetched later", definitions: """
                        - from: inline
                          name: smoke
                          path: inline/smoke.yaml
                          repository: {metadata: {format: Lava-Test Test Definition 1.0, name: smoke}, run: {steps: ["true"]}}
                """), to: live)
            // Two failed fetches: the second comes a ping after the first, when the job would
            // already have been ended as "listed as running here, but no record".
            try await within(60, "two failed fetches") {
                while worker.log.components(separatedBy: "job \(id): cannot fetch it").count < 3 {
                    try await live.schedule()
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            let waiting = try await lab.job(id, on: live)
            let why = await lab.diagnosis(waiting, on: live)
            #expect(waiting.state == .scheduled, "\(why)\n\(worker.diagnosis)")
            try good.write(to: file, atomically: true, encoding: .utf8)
            let done = try await lab.wait(for: id, on: live, worker: worker) { $0.state == .finished }
            let ended = await lab.diagnosis(done, on: live)
            #expect(done.health == .complete, "\(ended)\n\(worker.diagnosis)")
            #expect(!worker.log.contains("no record and no lava-run"), "\(worker.log)")
        }
    }

    @Test("a missing image and an unknown device type end their jobs Incomplete with clear errors; the worker goes on")
    func badJobs() async throws {
        try await DockerLab.run { lab, live in
            try await live.inventory.addDeviceType("qemu")
            _ = try await live.inventory.addDevice(name: "qemu-01", type: "qemu", worker: "lab-1")
            let worker = try lab.worker()
            defer { worker.stop() }
            let inline = """
                        - from: inline
                          name: smoke
                          path: inline/smoke.yaml
                          repository: {metadata: {format: Lava-Test Test Definition 1.0, name: smoke}, run: {steps: ["true"]}}
                """
            let image = "\(try TestDocker.registry())/lava-test/no-such-image:1"
            let missing = try await lab.submit(Self.job("no image", image: image, definitions: inline), to: live)
            let failed = try await lab.wait(for: missing, on: live, worker: worker) { $0.state == .finished }
            #expect(failed.health == .incomplete)
            #expect(try await live.storedLog(missing).contains { $0.contains("\(image) is neither on this worker nor in its registry") })

            let qemu = try await lab.submit(Self.job("qemu", definitions: inline).replacingOccurrences(of: "device_type: docker", with: "device_type: qemu"), to: live)
            let refused = try await lab.wait(for: qemu, on: live, worker: worker) { $0.state == .finished }
            #expect(refused.health == .incomplete)
            #expect(try await live.storedLog(qemu).contains { $0.contains("device type 'qemu' cannot run here") })

            let good = try await lab.submit(Self.job("still serving", definitions: inline), to: live)
            #expect(try await lab.wait(for: good, on: live, worker: worker) { $0.state == .finished }.health == .complete)
        }
    }

    @Test("lava-test-set groups results; lava-test-raise stops the test and ends the job Incomplete (Test)")
    func testSetAndRaise() async throws {
        try await DockerLab.run { lab, live in
            let worker = try lab.worker()
            defer { worker.stop() }
            let id = try await lab.submit(Self.job("raise", definitions: """
                    - from: inline
                      name: raising
                      path: inline/raising.yaml
                      repository:
                        metadata: {format: Lava-Test Test Definition 1.0, name: raising}
                        run: {steps: ["lava-test-set start network", "lava-test-case ping --result pass", "lava-test-set stop",
                                      "lava-test-raise the board caught fire", "lava-test-case never --result pass"]}
                """), to: live)
            let done = try await lab.wait(for: id, on: live, worker: worker) { $0.state == .finished }
            #expect(done.health == .incomplete)
            #expect(done.errorType == "Test")
            let log = try await live.storedLog(id)
            #expect(log.contains { $0.contains(#""case": "ping""#) && $0.contains(#""set": "network""#) })
            #expect(log.contains { $0.contains(#""case": "job""#) && $0.contains("the board caught fire") })
            #expect(!log.contains { $0.contains(#""case": "never""#) })
            #expect(try await DockerLab.docker().inspectContainer(lab.container(id)) == nil)
        }
    }

    @Test("a test action past its timeout ends the job Incomplete and removes the container")
    func actionTimeout() async throws {
        try await DockerLab.run { lab, live in
            let worker = try lab.worker()
            defer { worker.stop() }
            let id = try await lab.submit(Self.job("slow", timeout: "{seconds: 3}", definitions: """
                    - from: inline
                      name: slow
                      path: inline/slow.yaml
                      repository: {metadata: {format: Lava-Test Test Definition 1.0, name: slow}, run: {steps: ["sleep 600"]}}
                """), to: live)
            let done = try await lab.wait(for: id, on: live, worker: worker) { $0.state == .finished }
            #expect(done.health == .incomplete)
            #expect(try await live.storedLog(id).contains { $0.contains("lava-test-retry timed out after 3 seconds") })
            #expect(try await DockerLab.docker().inspectContainer(lab.container(id)) == nil)
        }
    }

    @Test("the server forgets a running job (404 Unknown job): lava-run stops it and the worker lets it go")
    func deletedJob() async throws {
        try await DockerLab.run { lab, live in
            let worker = try lab.worker()
            defer { worker.stop() }
            let id = try await lab.submit(JobLifecycleTests.ticking(600, pause: "1"), to: live)
            try await lab.wait(for: id, on: live, logContaining: "tick 2")
            try await live.server.database.write { db in
                try await db.delete(from: "test_cases").where("job_id", .equal, id).run()
                try await db.delete(from: "jobs").where("id", .equal, id).run()
            }
            for _ in 0..<100 where FileManager.default.fileExists(atPath: worker.directory.appendingPathComponent("tmp/\(lab.prefix)\(id)").path) {
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(!FileManager.default.fileExists(atPath: worker.directory.appendingPathComponent("tmp/\(lab.prefix)\(id)").path),
                    "the job's directory is still there:\n\(worker.log)")
            #expect(try await DockerLab.docker().inspectContainer(lab.container(id)) == nil)
            #expect(worker.log.contains("job \(id): finished (fail), the server no longer knows it"))
        }
    }
}
}
