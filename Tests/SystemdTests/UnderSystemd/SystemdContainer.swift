import DockerEngine
import Foundation
import LavaTestSupport

/// A container of `SystemdImage` whose PID 1 is systemd, with the static programs in
/// /usr/local/bin. Commands run in it as root through the engine's exec, as an admin's would.
///
/// Not privileged (the engine cannot exec into a privileged container on every host): systemd
/// needs CAP_SYS_ADMIN to mount /run and to give each service its own mount namespace
/// (DynamicUser=, ProtectSystem=, PrivateTmp=), and the host's cgroup tree mounted writable,
/// where it makes a cgroup per unit under the container's own. In the host's cgroup namespace,
/// so that it finds its own cgroup there: in a private one it would take the host's root
/// cgroup for its own.
struct SystemdContainer {
    static let programs = ["lava-server", "lava-worker", "lava-run"]

    let client: DockerClient
    let id: String

    /// Boots a container with `programs` in /usr/local/bin and the host's `binds`, runs `body`
    /// once systemd has started its default target, and removes the container whether `body`
    /// threw or not.
    static func with(programs: [String] = programs, binds: [String] = [], _ body: (SystemdContainer) async throws -> Void) async throws {
        guard let image = SystemdImage.current else { throw TestFailure("no systemd image: give the suite the .systemdImage trait") }
        try StaticBinaries.require(programs)
        let client = try DockerClient(socketPath: TestDocker.socketPath())
        let spec = ContainerSpec(
            image: image,
            // How systemd tells it runs in a container: it leaves the hardware and the console alone.
            environment: ["container=docker"],
            binds: ["/sys/fs/cgroup:/sys/fs/cgroup"] + programs.map { "\(StaticBinaries.directory.path)/\($0):/usr/local/bin/\($0):ro" } + binds,
            // Its own loopback only: the units' ports cannot meet another test's.
            networkMode: "none",
            capAdd: ["SYS_ADMIN"],
            cgroupnsMode: "host"
        )
        let id = try await client.createContainer(name: "lava-test-systemd-\(UUID().uuidString.prefix(8).lowercased())", spec)
        let result: Result<Void, any Error>
        do {
            try await client.startContainer(id)
            let container = SystemdContainer(client: client, id: id)
            try await container.waitForBoot()
            result = .success(try await body(container))
        } catch {
            result = .failure(error)
        }
        try? await client.removeContainer(id, force: true)
        try result.get()
    }

    /// Runs `command` as root: its exit status and its output, standard error after standard output.
    @discardableResult
    func run(_ command: String...) async throws -> (status: Int, output: String) {
        try await run(command)
    }

    func run(_ command: [String]) async throws -> (status: Int, output: String) {
        let stdout = TextBuffer(), stderr = TextBuffer()
        let status: Int
        do {
            status = try await client.exec(id, command: command) { chunk in
                (chunk.stream == .stdout ? stdout : stderr).append(String(decoding: chunk.bytes, as: UTF8.self))
            }
        } catch {
            // What the command had written tells how far it got before the engine failed.
            throw TestFailure("running `\(command.joined(separator: " "))` in \(id): \(error); its output so far: \(stdout.text + stderr.text)")
        }
        return (status, stdout.text + stderr.text)
    }

    /// Runs `command` as root and returns its output; a non-zero exit fails.
    @discardableResult
    func succeed(_ command: String...) async throws -> String {
        try await succeed(command)
    }

    @discardableResult
    func succeed(_ command: [String]) async throws -> String {
        let (status, output) = try await run(command)
        guard status == 0 else { throw TestFailure("`\(command.joined(separator: " "))` exited with \(status): \(output)") }
        return output
    }

    /// Waits until systemd has started its default target: `running`, or `degraded` when a
    /// unit the tests do not use failed in the container.
    private func waitForBoot() async throws {
        var last = ""
        for _ in 0..<60 {
            guard let state = try await client.inspectContainer(id)?.state, state.running else {
                throw TestFailure("systemd exited instead of booting: \(String(describing: try await client.inspectContainer(id)?.state))")
            }
            // Fails until systemd listens on its socket; then waits for the boot to end.
            last = try await run("timeout", "60", "systemctl", "is-system-running", "--wait").output
            if ["running", "degraded"].contains(last.trimmingCharacters(in: .whitespacesAndNewlines)) { return }
            try await Task.sleep(for: .milliseconds(500))
        }
        throw TestFailure("systemd did not finish booting: \(last)\n\(try await run("systemctl", "--failed", "--no-pager").output)")
    }
}
