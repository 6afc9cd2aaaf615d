import DockerEngine
import Foundation
import LavaCore
@testable import LavaServer
import LavaTestSupport
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// lava-docker-worker on the real engine, with worker images of this checkout at two versions
/// (docker/lava-dispatcher), our server, and a local registry for the image of the upgrade.
extension EndToEnd { @Suite struct SupervisorTests {
    static let old = "2026.11"
    static let new = "2026.12"

    /// `<registry>/lava-test/lava-dispatcher-<unique>`: images of this run only.
    static func repository() throws -> String {
        "\(try TestDocker.registry())/lava-test/lava-dispatcher-\(UUID().uuidString.prefix(8).lowercased())"
    }

    static func supervisor(_ lab: DockerLab, repository: String, launcher: [String] = [], arguments: [String] = [],
                           environment: [String: String] = [:]) throws -> WorkerProcess {
        let process = try WorkerProcess("lava-docker-worker", launcher: launcher, url: lab.url, token: lab.workerToken, directory: lab.directory.appendingPathComponent("docker-worker"),
                          arguments: ["--image", "\(repository):{version}", "--docker-socket", try TestDocker.socketPath(),
                                      "--build-dir", lab.directory.appendingPathComponent("build").path]
                              + (arguments.contains("--version-check-interval") ? [] : ["--version-check-interval", "1"])
                              + arguments,
                          environment: environment)
        started.withLock { $0.append(process) }
        return process
    }

    /// Waits until lab-1 is online at `version` on the server.
    static func online(_ version: String, on live: LiveServer, within seconds: Int = 120, diagnosis: @autoclosure () -> String) async throws {
        for _ in 0..<(seconds * 5) {
            if let worker = try await live.inventory.workers().first(where: { $0.name == "lab-1" }),
               worker.state == .online, worker.version == version { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestFailure("lab-1 is not online at \(version) after \(seconds) s; \(diagnosis())")
    }

    static func workerContainers() async throws -> [ContainerSummary] {
        try await DockerLab.docker().listContainers(all: true, labels: ["org.lavasoftware.lava-docker-worker.name": "lab-1"])
    }

    /// Runs `body` with the image of the old version built, then stops every supervisor it
    /// started and removes the worker containers and images, whatever happened.
    static func run(_ body: @Sendable (DockerLab, String) async throws -> Void) async throws {
        let repository = try repository()
        try await WorkerImage.build(version: old, tag: "\(repository):\(old)")
        try await DockerLab.prepare { lab in
            let outcome: Result<Void, any Error>
            do {
                try await body(lab, repository)
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            for process in started.withLock({ $0 }) { process.stop() }
            let docker = try DockerLab.docker()
            for container in try await workerContainers() { try? await docker.removeContainer(container.id) }
            for version in [old, new] {
                try? await docker.removeImage("\(repository):\(version)", force: true)
                try? await docker.removeImage("\(repository):\(version).customized", force: true)
            }
            try outcome.get()
        }
    }

    private static let started = Mutex<[WorkerProcess]>([])

    /// The new version's image, only in the registry: the supervisor must pull it.
    static func newImageInRegistry(_ repository: String) async throws -> String {
        let local = "\(repository):\(Self.new)"
        try await WorkerImage.build(version: Self.new, tag: local)
        let docker = try DockerLab.docker()
        try await docker.pushImage(local) { _ in }
        try await docker.removeImage(local)
        return local
    }

    @Test("the worker container of the server's version: privileged, host network, mounts, labels, no token in its config; online; runs a job")
    func start() async throws {
        try await Self.run { lab, repository in
            let supervisor = try Self.supervisor(lab, repository: repository)
            try await lab.serve(version: Self.old) { live in
                try await Self.online(Self.old, on: live, diagnosis: supervisor.diagnosis)
                let containers = try await Self.workerContainers()
                #expect(containers.count == 1)
                let first = try #require(containers.first)
                let info = try #require(try await DockerLab.docker().inspectContainer(first.id))
                #expect(info.hostConfig.privileged)
                #expect(info.hostConfig.networkMode == "host")
                #expect(info.hostConfig.initProcess == true)
                #expect(info.hostname.hasPrefix("docker-"))
                let workerDirectory = supervisor.directory.path
                #expect(info.hostConfig.binds.contains("\(workerDirectory):\(workerDirectory)"))
                #expect(info.hostConfig.binds.contains("\(try TestDocker.socketPath()):/var/run/docker.sock"))
                // LAVA's host paths (spec §8.5), those this host has; every host has /dev.
                #expect(info.hostConfig.binds.contains("/dev:/dev"), "\(info.hostConfig.binds)")
                for (path, options) in [("/run/udev", ""), ("/boot", ":ro"), ("/lib/modules", ":ro")] {
                    let exists = FileManager.default.fileExists(atPath: path)
                    #expect(info.hostConfig.binds.contains("\(path):\(path)\(options)") == exists, "\(path): \(info.hostConfig.binds)")
                }
                #expect(info.labels["org.lavasoftware.lava-docker-worker.version"] == Self.old)
                let config = info.command.joined(separator: " ") + info.entrypoint.joined(separator: " ") + info.environment.joined(separator: " ")
                #expect(!config.contains(lab.workerToken), "the token is in the container's configuration")
                #expect(info.command.contains("--token-file"))

                let id = try await lab.submit(JobLifecycleTests.ticking(3), to: live)
                let done = try await lab.wait(for: id, on: live, worker: supervisor) { $0.state == .finished }
                #expect(done.health == .complete)
            }
        }
    }

    @Test("the server is upgraded mid-job: the job finishes on the old worker, the new image is pulled, the worker is online at the new version")
    func upgrade() async throws {
        try await Self.run { lab, repository in
            let local = try await Self.newImageInRegistry(repository)
            let docker = try DockerLab.docker()
            let supervisor = try Self.supervisor(lab, repository: repository)
            let id = try await lab.serve(version: Self.old) { live in
                try await Self.online(Self.old, on: live, diagnosis: supervisor.diagnosis)
                let id = try await lab.submit(JobLifecycleTests.ticking(60), to: live)
                try await lab.wait(for: id, on: live, logContaining: "tick 5")
                return id
            }
            try await lab.serve(version: Self.new) { live in
                try await Self.online(Self.new, on: live, diagnosis: supervisor.diagnosis)
                let job = try await lab.job(id, on: live)
                #expect(job.health == .complete)
                #expect(JobLifecycleTests.ticks(try await live.storedLog(id)) == Array(1...60))
                #expect(try await docker.inspectImage(local) != nil)
                let running = try await Self.workerContainers().filter { $0.state == "running" }
                #expect(running.map { $0.labels["org.lavasoftware.lava-docker-worker.version"] } == [Self.new])
                #expect(supervisor.log.contains("pulling \(local) while the worker finishes its jobs"))
            }
        }
    }

    @Test("asking the version only every 10 minutes, the supervisor hears of a server restarted at a new version on /ws/ at once: the new image is pulled while the old worker finishes its job")
    func upgradeHeardOnEventStream() async throws {
        try await Self.run { lab, repository in
            let local = try await Self.newImageInRegistry(repository)
            let supervisor = try Self.supervisor(lab, repository: repository, arguments: ["--version-check-interval", "600"])
            let id = try await lab.serve(version: Self.old) { live in
                try await Self.online(Self.old, on: live, diagnosis: supervisor.diagnosis)
                let id = try await lab.submit(JobLifecycleTests.ticking(30), to: live)
                try await lab.wait(for: id, on: live, logContaining: "tick 3")
                return id
            }
            try await lab.serve(version: Self.new) { live in
                try await Self.online(Self.new, on: live, diagnosis: supervisor.diagnosis)
                #expect(try await lab.job(id, on: live).health == .complete)
                // Without the stream the supervisor would hear of the new version only when
                // the old worker, refused at its ping, had finished the job and exited.
                #expect(supervisor.log.contains("pulling \(local) while the worker finishes its jobs"), "\(supervisor.diagnosis)")
            }
        }
    }

    @Test("kill -9 the supervisor mid-job and start it again: the same container is adopted and the job completes")
    func adopt() async throws {
        try await Self.run { lab, repository in
            let first = try Self.supervisor(lab, repository: repository)
            try await lab.serve(version: Self.old) { live in
                try await Self.online(Self.old, on: live, diagnosis: first.diagnosis)
                let before = try await Self.workerContainers().map(\.id)
                let id = try await lab.submit(JobLifecycleTests.ticking(40), to: live)
                try await lab.wait(for: id, on: live, logContaining: "tick 3")
                first.signal(SIGKILL)
                _ = try await first.exitStatus(within: 10)
                let second = try Self.supervisor(lab, repository: repository)
                let done = try await lab.wait(for: id, on: live, within: 60, worker: second) { $0.state == .finished }
                #expect(done.health == .complete)
                #expect(try await Self.workerContainers().map(\.id) == before)
                #expect(second.log.contains("adopting the running worker container"))
            }
        }
    }

    @Test("SIGTERM mid-job: the job completes, the supervisor exits 0 and the container is gone")
    func stop() async throws {
        try await Self.run { lab, repository in
            let supervisor = try Self.supervisor(lab, repository: repository)
            try await lab.serve(version: Self.old) { live in
                try await Self.online(Self.old, on: live, diagnosis: supervisor.diagnosis)
                let id = try await lab.submit(JobLifecycleTests.ticking(30), to: live)
                try await lab.wait(for: id, on: live, logContaining: "tick 3")
                supervisor.signal(SIGTERM)
                #expect(try await supervisor.exitStatus(within: 60) == 0)
                #expect(try await lab.job(id, on: live).health == .complete)
                #expect(try await Self.workerContainers().isEmpty)
            }
        }
    }

    @Test("a Dockerfile in --build-dir customises the image: its FROM replaced by the server's version")
    func customised() async throws {
        try await Self.run { lab, repository in
            let build = lab.directory.appendingPathComponent("build")
            try FileManager.default.createDirectory(at: build, withIntermediateDirectories: true)
            try "FROM debian:anything\nRUN echo customised > /etc/lava-customised\n".write(
                to: build.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
            let supervisor = try Self.supervisor(lab, repository: repository)
            try await lab.serve(version: Self.old) { live in
                try await Self.online(Self.old, on: live, diagnosis: supervisor.diagnosis)
                let container = try #require(try await Self.workerContainers().first)
                #expect(container.image == "\(repository):\(Self.old).customized")
                // Read in a container of its own: exec into a privileged container is refused on
                // machines whose capability bounding set lacks CAP_SYS_RESOURCE (notes/docker-engine.md).
                let docker = try DockerLab.docker()
                let reader = try await docker.createContainer(name: nil, ContainerSpec(image: container.image, command: ["cat", "/etc/lava-customised"]))
                try await docker.startContainer(reader)
                #expect(try await docker.waitContainer(reader) == 0)
                var output = ""
                for try await chunk in docker.containerLogs(reader, follow: false) {
                    output += String(decoding: chunk.bytes, as: UTF8.self)
                }
                try await docker.removeContainer(reader)
                #expect(output == "customised\n")
            }
        }
    }

    @Test("systemd hears READY=1 once the worker runs, STATUS= of each step, WATCHDOG=1 while the server answers and none while it does not, STOPPING=1")
    func notifications() async throws {
        try await Self.run { lab, repository in
            let socket = try NotifySocket(path: lab.directory.appendingPathComponent("notify").path)
            defer { socket.release() }
            let supervisor = try Self.supervisor(lab, repository: repository,
                                                 environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "2000000"])
            try await lab.serve(version: Self.old) { live in
                try await Self.online(Self.old, on: live, diagnosis: supervisor.diagnosis)
                var messages: [String] = []
                let running = "STATUS=running lava-worker \(Self.old) in lava-worker-\(Self.old)-"
                // The watchdog comes every second.
                while !(messages.contains("WATCHDOG=1") && messages.contains("READY=1") && messages.contains { $0.hasPrefix(running) }),
                      messages.count < 50 {
                    messages.append(try socket.receive())
                }
                #expect(messages.contains { $0.hasPrefix(running) }, "\(messages)")
            }

            // The server is gone: from the first question it does not answer to the next one
            // (5 s later), no WATCHDOG=1, so that systemd would restart a supervisor cut off;
            // the status says so, and the worker goes on.
            let cutOffStatus = { (message: String) in
                message.hasPrefix("STATUS=running lava-worker \(Self.old) in lava-worker-\(Self.old)-")
                    && message.contains("; server unreachable since ")
            }
            var cutOff: [String] = []
            while cutOff.count(where: cutOffStatus) < 2, cutOff.count < 100 {
                cutOff.append(try socket.receive(within: 30))
            }
            let afterFirst = cutOff.drop { !cutOffStatus($0) }
            #expect(afterFirst.count(where: cutOffStatus) == 2, "\(cutOff)")
            #expect(!afterFirst.contains("WATCHDOG=1"), "\(cutOff)")

            try await lab.serve(version: Self.old) { _ in
                var back: [String] = []
                while !back.contains("WATCHDOG=1"), back.count < 50 {
                    back.append(try socket.receive(within: 30))
                }
                #expect(back.contains("WATCHDOG=1"), "no watchdog once the server answers again: \(back)")
                supervisor.signal(SIGTERM)
                while !back.contains("STOPPING=1"), back.count < 100 {
                    back.append(try socket.receive())
                }
                #expect(try await supervisor.exitStatus(within: 60) == 0)
            }
        }
    }

    @Test("the new version has no image yet: retried with back-off until it is published; then older images go, the previous stays")
    func imageNotYetPublished() async throws {
        try await Self.run { lab, repository in
            let oldest = "\(repository):2026.10"
            try await WorkerImage.build(version: "2026.10", tag: oldest)
            let supervisor = try Self.supervisor(lab, repository: repository)
            try await lab.serve(version: Self.old) { live in
                try await Self.online(Self.old, on: live, diagnosis: supervisor.diagnosis)
            }
            try await lab.serve(version: Self.new) { live in
                for _ in 0..<300 where !supervisor.log.contains("no worker image for \(Self.new) yet") {
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(supervisor.log.contains("no worker image for \(Self.new) yet"))
                // Built under another name, so the supervisor can only find it in the registry.
                let docker = try DockerLab.docker()
                let staging = "lava-test/staging-\(UUID().uuidString.prefix(8).lowercased()):\(Self.new)"
                try await WorkerImage.build(version: Self.new, tag: staging)
                try await docker.tagImage(staging, as: "\(repository):\(Self.new)")
                try await docker.pushImage("\(repository):\(Self.new)") { _ in }
                // The supervisor may have found it in the moment between tag and removal; then it is in use.
                try? await docker.removeImage("\(repository):\(Self.new)")
                try? await docker.removeImage(staging)
                try await Self.online(Self.new, on: live, diagnosis: supervisor.diagnosis)
                #expect(try await docker.inspectImage(oldest) == nil, "the oldest image is still there")
                #expect(try await docker.inspectImage("\(repository):\(Self.old)") != nil, "the previous image was removed")
            }
        }
    }

    @Test("restarted after the server upgraded: the old worker container is left to finish its job, then removed; the new one starts")
    func drainAfterRestart() async throws {
        try await Self.run { lab, repository in
            let docker = try DockerLab.docker()
            try await WorkerImage.build(version: Self.new, tag: "\(repository):\(Self.new)")
            let first = try Self.supervisor(lab, repository: repository)
            let (id, old) = try await lab.serve(version: Self.old) { live in
                try await Self.online(Self.old, on: live, diagnosis: first.diagnosis)
                let id = try await lab.submit(JobLifecycleTests.ticking(50), to: live)
                try await lab.wait(for: id, on: live, logContaining: "tick 3")
                first.signal(SIGKILL)
                _ = try await first.exitStatus(within: 10)
                return (id, try await Self.workerContainers().map(\.id))
            }
            try await lab.serve(version: Self.new) { live in
                let second = try Self.supervisor(lab, repository: repository)
                try await Self.online(Self.new, on: live, diagnosis: second.diagnosis)
                #expect(try await lab.job(id, on: live).health == .complete)
                #expect(JobLifecycleTests.ticks(try await live.storedLog(id)) == Array(1...50))
                #expect(second.log.contains("letting it finish its jobs"))
                for container in old { #expect(try await docker.inspectContainer(container) == nil) }
            }
        }
    }

    @Test("restarted while the server accepts the old version too (version policy): the old worker is adopted, not drained; dropped from the policy, it makes way for the new one")
    func adoptAccepted() async throws {
        try await Self.run { lab, repository in
            try await WorkerImage.build(version: Self.new, tag: "\(repository):\(Self.new)")
            let first = try Self.supervisor(lab, repository: repository)
            let old = try await lab.serve(version: Self.old) { live in
                try await Self.online(Self.old, on: live, diagnosis: first.diagnosis)
                first.signal(SIGKILL)
                _ = try await first.exitStatus(within: 10)
                return try await Self.workerContainers().map(\.id)
            }
            try await lab.serve(version: Self.new) { live in
                try await live.inventory.setVersionPolicy(.accept([Self.old]))
                let second = try Self.supervisor(lab, repository: repository)
                for _ in 0..<300 where !second.log.contains("adopting the running worker container") {
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(second.log.contains("adopting the running worker container"), "\(second.log)")
                try await Self.online(Self.old, on: live, diagnosis: second.diagnosis)
                // Adopted: it takes jobs at the old version.
                let id = try await lab.submit(JobLifecycleTests.ticking(2), to: live)
                let done = try await lab.wait(for: id, on: live, worker: second) { $0.state == .finished }
                #expect(done.health == .complete)
                #expect(try await Self.workerContainers().filter { $0.state == "running" }.map(\.id) == old)
                #expect(!second.log.contains("letting it finish its jobs"))

                try await live.inventory.setVersionPolicy(.exact)
                try await Self.online(Self.new, on: live, diagnosis: second.diagnosis)
                #expect(!second.log.contains("really hold lava-worker"), "an upgrade taken for a lying image")
            }
        }
    }

    @Test("restarted with two worker containers running (both of versions the server accepts): both drain, then one worker starts")
    func drainSeveral() async throws {
        try await Self.run { lab, repository in
            let docker = try DockerLab.docker()
            let first = try Self.supervisor(lab, repository: repository)
            try await lab.serve(version: Self.old) { live in
                try await Self.online(Self.old, on: live, diagnosis: first.diagnosis)
                first.signal(SIGKILL)
                _ = try await first.exitStatus(within: 10)
                // A second container of this worker, as a crashed or hand-started one would be:
                // its process ends on SIGTERM, as a lava-worker without jobs does.
                var spec = ContainerSpec(image: "\(repository):\(Self.old)", command: ["sleep", "600"], initProcess: true)
                spec.labels = ["org.lavasoftware.lava-docker-worker.name": "lab-1", "org.lavasoftware.lava-docker-worker.version": Self.old]
                let extra = try await docker.createContainer(name: nil, spec)
                try await docker.startContainer(extra)
                let before = try await Self.workerContainers().filter { $0.state == "running" }.map(\.id)
                #expect(before.count == 2)

                // Both supervisors write the same log file: the first started one container.
                let second = try Self.supervisor(lab, repository: repository)
                let starts = { second.log.components(separatedBy: "INFO started lava-worker-").count - 1 }
                for _ in 0..<300 where starts() < 2 { try await Task.sleep(for: .milliseconds(200)) }
                #expect(starts() == 2, "\(second.log)")
                #expect(second.log.contains("2 worker containers run"), "\(second.log)")
                #expect(!second.log.contains("adopting the running worker container"))
                try await Self.online(Self.old, on: live, diagnosis: second.diagnosis)
                let running = try await Self.workerContainers().filter { $0.state == "running" }.map(\.id)
                #expect(running.count == 1 && !before.contains(running[0]), "\(running) after \(before)")
                for id in before { #expect(try await docker.inspectContainer(id) == nil, "\(id) was not removed") }
            }
        }
    }

    @Test("a second SIGTERM while the worker finishes its jobs kills it at once; the supervisor exits 0")
    func secondSignal() async throws {
        try await Self.run { lab, repository in
            let supervisor = try Self.supervisor(lab, repository: repository)
            try await lab.serve(version: Self.old) { live in
                try await Self.online(Self.old, on: live, diagnosis: supervisor.diagnosis)
                let id = try await lab.submit(JobLifecycleTests.ticking(600, pause: "1"), to: live)
                try await lab.wait(for: id, on: live, logContaining: "tick 2")
                supervisor.signal(SIGTERM)
                for _ in 0..<100 where !supervisor.log.contains("SIGTERM to the worker container") {
                    try await Task.sleep(for: .milliseconds(100))
                }
                supervisor.signal(SIGTERM)
                #expect(try await supervisor.exitStatus(within: 30) == 0)
                #expect(supervisor.log.contains("SIGKILL to the worker container"), "\(supervisor.log)")
                #expect(try await Self.workerContainers().allSatisfy { $0.state != "running" })
            }
        }
    }

    @Test("SIGTERM with --stop-timeout: a worker still busy when it runs out is killed, and the supervisor exits 0")
    func stopTimeout() async throws {
        try await Self.run { lab, repository in
            let supervisor = try Self.supervisor(lab, repository: repository, arguments: ["--stop-timeout", "2"])
            try await lab.serve(version: Self.old) { live in
                try await Self.online(Self.old, on: live, diagnosis: supervisor.diagnosis)
                let id = try await lab.submit(JobLifecycleTests.ticking(600, pause: "1"), to: live)
                try await lab.wait(for: id, on: live, logContaining: "tick 2")
                supervisor.signal(SIGTERM)
                #expect(try await supervisor.exitStatus(within: 30) == 0)
                #expect(try await Self.workerContainers().isEmpty)
                #expect(supervisor.log.contains("KILL to the worker container"))
            }
        }
    }

    @Test("an upgrade where no name resolves: supervisor and both worker containers (hostname docker-<fqdn>) look up nothing")
    func upgradeWithoutNameLookup() async throws {
        try await Self.run { lab, repository in
            try await WorkerImage.build(version: Self.new, tag: "\(repository):\(Self.new)")
            let nameServer = try SilentNameServer()
            // The supervisor's host is "localhost", found in /etc/hosts like a lab host's own name;
            // its containers' "docker-localhost" is in no file and goes to the name server.
            let isolation = try IsolatedResolver(resolvConf: nameServer.resolvConf, hostname: "localhost",
                                                 directory: lab.directory.appendingPathComponent("resolver"))
            let supervisor = try Self.supervisor(lab, repository: repository, launcher: isolation.launcher,
                                                 arguments: ["--mount", "\(isolation.resolvConf.path):/etc/resolv.conf:ro"])
            try await lab.serve(version: Self.old) { live in
                try await Self.online(Self.old, on: live, diagnosis: supervisor.diagnosis)
                let container = try #require(try await Self.workerContainers().first)
                let info = try #require(try await DockerLab.docker().inspectContainer(container.id))
                #expect(info.hostname == "docker-localhost")
                #expect(nameServer.takeQueries() == [], "looked up to start")
            }
            try await lab.serve(version: Self.new) { live in
                try await Self.online(Self.new, on: live, diagnosis: supervisor.diagnosis)
                #expect(nameServer.takeQueries() == [], "looked up to upgrade")
            }
            supervisor.signal(SIGTERM)
            #expect(try await supervisor.exitStatus(within: 60) == 0)
            #expect(nameServer.takeQueries() == [], "looked up to stop")
        }
    }

    @Test("a worker that crashes at once is restarted after longer and longer pauses, and the log says so")
    func crashLoop() async throws {
        try await Self.run { lab, repository in
            let build = lab.directory.appendingPathComponent("build")
            try FileManager.default.createDirectory(at: build, withIntermediateDirectories: true)
            try "FROM x\nRUN printf '#!/bin/sh\\necho broken worker\\nexit 3\\n' > /usr/local/bin/lava-worker\n".write(
                to: build.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
            let supervisor = try Self.supervisor(lab, repository: repository)
            try await lab.serve(version: Self.old) { _ in
                for _ in 0..<300 where !supervisor.log.contains("(3 in a row)") {
                    try await Task.sleep(for: .milliseconds(200))
                }
                let pauses = supervisor.log.split(separator: "\n").filter { $0.contains("the worker exited with status 3") }
                    .compactMap { line in line.split(separator: " ").reversed().dropFirst().first.flatMap { Int($0) } }
                #expect(pauses.count >= 3, "\(supervisor.log)")
                #expect(pauses == pauses.sorted(), "the pauses do not grow: \(pauses)")
                #expect(supervisor.log.contains("> broken worker"))
            }
        }
    }
} }
