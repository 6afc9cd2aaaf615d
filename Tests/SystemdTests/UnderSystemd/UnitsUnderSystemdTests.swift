import DockerEngine
import Foundation
import LavaTestSupport
import Synchronization
import Testing

/// The units of systemd/, installed as systemd/README.md says, started by a real systemd (PID 1
/// of a container) with all their sandboxing: what `systemd-analyze verify` cannot tell, whether
/// the programs work under it. A failure records the units' journals.
@Suite(.systemdImage) struct UnitsUnderSystemdTests {
    /// Not the units' default (127.0.0.1:8000): reaching the server here shows that its
    /// environment file was read.
    static let bind = "127.0.0.1:8042"
    static let url = "http://\(bind)"

    @Test("lava-server.service says READY=1, answers, shares its database with root's admin commands and stops cleanly")
    func server() async throws {
        try await SystemdContainer.with { box in
            try await box.withJournals(of: ["lava-server"]) {
                try await box.append("BIND=\"\(Self.bind)\"", to: "/etc/lava-server/lava-server")
                try await box.systemctl("enable", "--now", "lava-server")
                try await box.requireRunning("lava-server")
                try await requireHealthy(box)

                // As root, on the default data directory: the service's state directory.
                let token = try await box.succeed("lava-server", "users", "add", "admin", "--admin")
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                // The service, as its dynamic user, reads what root wrote and writes after it.
                let created = try await box.http(
                    "--header", "Authorization: Token \(token)", "--header", "Content-Type: application/json",
                    "--data", #"{"name": "qemu"}"#, "\(Self.url)/api/v0.2/devicetypes")
                try #require(created.status == 201, "creating a device type as the admin root added: \(created)")
                // A new start opens the database root has written to.
                try await box.systemctl("restart", "lava-server")
                try await box.requireRunning("lava-server")
                try await requireHealthy(box)

                try await box.requireCleanStop("lava-server")
            }
        }
    }

    @Test("lava-scheduler.service beside lava-server.service with SCHEDULER=--no-scheduler, on one SQLite database")
    func schedulerBesideServer() async throws {
        try await SystemdContainer.with { box in
            try await box.withJournals(of: ["lava-server", "lava-scheduler"]) {
                try await box.append("BIND=\"\(Self.bind)\"", to: "/etc/lava-server/lava-server")
                try await box.append("SCHEDULER=\"--no-scheduler\"", to: "/etc/lava-server/lava-server")
                try await box.systemctl("enable", "--now", "lava-server", "lava-scheduler")
                try await box.requireRunning("lava-server")
                try await box.requireRunning("lava-scheduler")
                try await requireHealthy(box)
                // A few of the scheduler's passes (one every 2 s): one that fails under the sandbox
                // shows as a restart.
                try await Task.sleep(for: .seconds(5))
                try await box.requireRunning("lava-scheduler")
                try await box.requireRunning("lava-server")

                try await box.requireCleanStop("lava-scheduler")
                try await box.requireCleanStop("lava-server")
            }
        }
    }

    @Test("lava-worker.service: its worker goes online on the lava-server.service beside it")
    func worker() async throws {
        try await SystemdContainer.with { box in
            try await box.withJournals(of: ["lava-server", "lava-worker"]) {
                try await box.append("BIND=\"\(Self.bind)\"", to: "/etc/lava-server/lava-server")
                try await box.systemctl("enable", "--now", "lava-server")
                try await box.requireRunning("lava-server")

                let token = try await addWorker("lab-1", in: box)
                // As systemd/README.md has it: the token in the worker directory, readable by root only.
                try await box.succeed("sh", "-c", "install -d -m 0700 /var/lib/lava/dispatcher/worker && umask 077 && printf '%s' \"$1\" > /var/lib/lava/dispatcher/worker/token", "sh", token)
                try await box.append("URL=\"\(Self.url)/\"", to: "/etc/lava-dispatcher/lava-worker")
                try await box.append("WORKER_NAME=\"--name lab-1\"", to: "/etc/lava-dispatcher/lava-worker")
                try await box.systemctl("enable", "--now", "lava-worker")
                try await box.requireRunning("lava-worker")

                var workers = ""
                for _ in 0..<60 {
                    workers = try await box.succeed("lava-server", "workers", "list")
                    if workers.contains("lab-1\tOnline") { break }
                    try await Task.sleep(for: .milliseconds(500))
                }
                try #require(workers.contains("lab-1\tOnline"), "lab-1 is not online after 30 s: \(workers)")
                try await box.requireRunning("lava-worker")

                try await box.requireCleanStop("lava-worker")
                try await box.requireCleanStop("lava-server")
            }
        }
    }

    @Test("lava-docker-worker install enables and starts its unit, which is started once its worker container runs; uninstall stops it and the container goes")
    func dockerWorkerInstall() async throws {
        let client = try DockerClient(socketPath: TestDocker.socketPath())
        let repository = "lava-test/units-docker-worker-\(UUID().uuidString.prefix(8).lowercased())"
        let name = "lab-docker-\(UUID().uuidString.prefix(8).lowercased())"
        // A sibling container gets the host's paths: the engine's socket and the worker directory
        // are at the same path in the box as on the host.
        let socket = try TestDocker.socketPath()
        let shared = try TemporaryDirectory()
        defer { shared.remove() }
        let workers = { try await client.listContainers(labels: ["org.lavasoftware.lava-docker-worker.name": name]) }
        let image = Mutex<String?>(nil)
        let result: Result<Void, any Error>
        do {
            result = .success(try await SystemdContainer.with(programs: SystemdContainer.programs + ["lava-docker-worker"],
                                                              binds: ["\(socket):\(socket)", "\(shared.url.path):\(shared.url.path)"]) { box in
                try await box.withJournals(of: ["lava-server", "lava-docker-worker"]) {
                    try await box.append("BIND=\"\(Self.bind)\"", to: "/etc/lava-server/lava-server")
                    try await box.systemctl("enable", "--now", "lava-server")
                    try await box.requireRunning("lava-server")
                    let answer = try await box.http("\(Self.url)/api/v0.2/system/version/")
                    let version = try #require((try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])?["version"] as? String,
                                               "no version in \(answer)")
                    image.withLock { $0 = "\(repository):\(version)" }
                    try await WorkerImage.build(version: version, tag: "\(repository):\(version)")

                    let token = try await addWorker(name, in: box)
                    let workerDirectory = "\(shared.url.path)/worker"
                    // `systemctl enable --now` inside returns once the unit says READY=1.
                    try await box.succeed("timeout", "120", "lava-docker-worker", "install", "--url", "\(Self.url)/", "--name", name,
                                          "--token", token, "--image", "\(repository):{version}",
                                          "--docker-socket", socket, "--worker-dir", workerDirectory)
                    #expect(try await box.succeed("systemctl", "is-enabled", "lava-docker-worker")
                        .trimmingCharacters(in: .whitespacesAndNewlines) == "enabled")
                    try await box.requireRunning("lava-docker-worker")
                    let running = try await workers()
                    #expect(running.count == 1 && running.first?.state == "running", "the worker containers: \(running)")

                    try await box.succeed("timeout", "120", "lava-docker-worker", "uninstall", "--worker-dir", workerDirectory)
                    #expect(try await box.properties("lava-docker-worker")["ActiveState"] == "inactive")
                    #expect(try await workers().isEmpty, "the supervisor left its worker container")
                    try await box.requireCleanStop("lava-server")
                }
            })
        } catch {
            result = .failure(error)
        }
        for container in (try? await workers()) ?? [] { try? await client.removeContainer(container.id, force: true) }
        if let image = image.withLock({ $0 }) { try? await client.removeImage(image, force: true) }
        try result.get()
    }

    /// `lava-server workers add NAME` as root in the box: the worker's token.
    private func addWorker(_ name: String, in box: SystemdContainer) async throws -> String {
        let added = try await box.succeed("lava-server", "workers", "add", name, "--url", Self.url)
        let token = try #require(added.split(separator: "\n").first { $0.hasPrefix("token: ") }?.dropFirst("token: ".count),
                                 "no token in: \(added)")
        return String(token)
    }

    private func requireHealthy(_ box: SystemdContainer) async throws {
        let health = try await box.http("\(Self.url)/health")
        try #require(health.status == 200, "GET /health: \(health)")
    }
}
