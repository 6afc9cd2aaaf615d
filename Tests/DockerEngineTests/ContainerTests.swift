import DockerEngine
import Foundation
import Testing

@Suite struct ContainerTests {
    @Test("a privileged host-network container with binds, labels and init: inspect, logs, exit code")
    func lifecycle() async throws {
        let client = try TestEngine.client()
        let name = TestEngine.unique("life")
        try await TestEngine.withCleanup(client) { cleanup in
            let shared = try cleanup.temporaryDirectory()
            try Data("from the host\n".utf8).write(to: shared.appendingPathComponent("file"))
            let spec = ContainerSpec(
                image: TestEngine.baseImage,
                // CAP_SYS_ADMIN (bit 21) is only in a privileged container's effective set.
                command: ["sh", "-c", """
                    echo out; echo err >&2; cat /mnt/host/file
                    caps=$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)
                    [ $(( 0x$caps >> 21 & 1 )) = 1 ] && echo privileged
                    exit 7
                    """],
                environment: ["LAVA_TEST=1"],
                labels: ["org.lava.test": name, "org.lava.role": "worker"],
                binds: ["\(shared.path):/mnt/host:ro"],
                privileged: true,
                networkMode: "host",
                initProcess: true
            )
            let id = try await client.createContainer(name: name, spec)
            cleanup.containers.append(id)

            let created = try #require(try await client.inspectContainer(name))
            #expect(created.id == id)
            #expect(created.name == name)
            #expect(created.image == TestEngine.baseImage)
            #expect(created.state.status == "created")
            #expect(!created.state.running)
            #expect(created.labels == ["org.lava.test": name, "org.lava.role": "worker"])
            #expect(created.environment.contains("LAVA_TEST=1"))
            #expect(created.command == spec.command)
            #expect(created.hostConfig.privileged)
            #expect(created.hostConfig.networkMode == "host")
            #expect(created.hostConfig.binds == ["\(shared.path):/mnt/host:ro"])
            #expect(created.hostConfig.initProcess)

            try await client.startContainer(id)
            #expect(try await client.waitContainer(id) == 7)
            let exited = try #require(try await client.inspectContainer(id))
            #expect(exited.state.status == "exited")
            #expect(exited.state.exitCode == 7)

            var output: [OutputChunk] = []
            for try await chunk in client.containerLogs(id, follow: true) { output.append(chunk) }
            #expect(output.text(.stdout) == "out\nfrom the host\nprivileged\n")
            #expect(output.text(.stderr) == "err\n")
        }
    }

    @Test("followed logs arrive while the container runs; a TTY's output is raw stdout")
    func followLogs() async throws {
        let client = try TestEngine.client()
        try await TestEngine.withCleanup(client) { cleanup in
            let id = try await client.createContainer(name: TestEngine.unique("follow"), ContainerSpec(
                image: TestEngine.baseImage, command: ["sh", "-c", "for i in 1 2 3; do echo $i; sleep 0.3; done; echo e >&2"]
            ))
            cleanup.containers.append(id)
            try await client.startContainer(id)
            var output: [OutputChunk] = []
            for try await chunk in client.containerLogs(id, follow: true) { output.append(chunk) }
            #expect(output.text(.stdout) == "1\n2\n3\n")
            #expect(output.text(.stderr) == "e\n")

            let tty = try await client.createContainer(name: TestEngine.unique("tty"), ContainerSpec(
                image: TestEngine.baseImage, command: ["sh", "-c", "echo out; echo err >&2"], tty: true
            ))
            cleanup.containers.append(tty)
            try await client.startContainer(tty)
            #expect(try await client.waitContainer(tty) == 0)
            var raw: [OutputChunk] = []
            for try await chunk in client.containerLogs(tty, follow: false) { raw.append(chunk) }
            // A TTY turns \n into \r\n and merges both streams.
            #expect(raw.text(.stdout) == "out\r\nerr\r\n")
            #expect(raw.text(.stderr).isEmpty)
        }
    }

    @Test("cgroupnsMode host shows a container its cgroup where the host has it; private makes that the root")
    func cgroupNamespace() async throws {
        let client = try TestEngine.client()
        try await TestEngine.withCleanup(client) { cleanup in
            func cgroups(_ mode: String) async throws -> (id: String, lines: [Substring]) {
                let id = try await client.createContainer(name: TestEngine.unique("cgroupns"), ContainerSpec(
                    image: TestEngine.baseImage, command: ["cat", "/proc/self/cgroup"], cgroupnsMode: mode
                ))
                cleanup.containers.append(id)
                try await client.startContainer(id)
                #expect(try await client.waitContainer(id) == 0)
                var output: [OutputChunk] = []
                for try await chunk in client.containerLogs(id, follow: false) { output.append(chunk) }
                return (id, output.text(.stdout).split(separator: "\n"))
            }
            // One line per hierarchy, HIERARCHY:CONTROLLERS:PATH.
            let host = try await cgroups("host")
            #expect(!host.lines.isEmpty && host.lines.allSatisfy { $0.contains(host.id) }, "\(host.lines)")
            let own = try await cgroups("private")
            #expect(!own.lines.isEmpty && own.lines.allSatisfy { $0.hasSuffix(":/") }, "\(own.lines)")
        }
    }

    @Test("kill and remove; inspect of a removed container is nil; removing twice is fine")
    func killAndRemove() async throws {
        let client = try TestEngine.client()
        try await TestEngine.withCleanup(client) { cleanup in
            let spec = ContainerSpec(image: TestEngine.baseImage, command: ["sleep", "300"], hostname: "lava-box", initProcess: true)
            let id = try await client.createContainer(name: TestEngine.unique("kill"), spec)
            cleanup.containers.append(id)
            #expect(try await client.inspectContainer(id)?.hostname == "lava-box")
            try await client.startContainer(id)
            try await client.startContainer(id)  // already running: not an error
            #expect(try await client.inspectContainer(id)?.state.running == true)
            try await client.killContainer(id)
            #expect(try await client.waitContainer(id) == 137)
            try await client.removeContainer(id)
            #expect(try await client.inspectContainer(id) == nil)
            try await client.removeContainer(id)
            await #expect(throws: DockerError.containerNotFound(id: id)) { try await client.killContainer(id) }
            await #expect(throws: DockerError.containerNotFound(id: id)) { try await client.startContainer(id) }
            await #expect(throws: DockerError.containerNotFound(id: id)) { _ = try await client.waitContainer(id) }
        }
    }

    @Test("creating from an image the engine lacks is imageNotFound")
    func createFromMissingImage() async throws {
        let client = try TestEngine.client()
        let image = TestEngine.unique("missing") + ":1"
        await #expect(throws: DockerError.imageNotFound(reference: image, message: "pull or build it first")) {
            _ = try await client.createContainer(name: nil, ContainerSpec(image: image))
        }
    }

    @Test("list by label: key only, key and value, stopped ones with all")
    func listByLabel() async throws {
        let client = try TestEngine.client()
        let run = TestEngine.unique("list")
        try await TestEngine.withCleanup(client) { cleanup in
            let first = try await client.createContainer(name: nil, ContainerSpec(
                image: TestEngine.baseImage, command: ["sleep", "300"], labels: ["org.lava.run": run, "org.lava.role": "a"]
            ))
            cleanup.containers.append(first)
            let second = try await client.createContainer(name: run, ContainerSpec(
                image: TestEngine.baseImage, command: ["true"], labels: ["org.lava.run": run]
            ))
            cleanup.containers.append(second)
            try await client.startContainer(first)

            let all = try await client.listContainers(labels: ["org.lava.run": run])
            #expect(Set(all.map(\.id)) == [first, second])
            #expect(all.first { $0.id == second }?.names == [run])
            #expect(try await client.listContainers(labels: ["org.lava.run": run, "org.lava.role": nil]).map(\.id) == [first])
            #expect(try await client.listContainers(labels: ["org.lava.run": run, "org.lava.role": "b"]).isEmpty)
            let running = try await client.listContainers(all: false, labels: ["org.lava.run": run])
            #expect(running.map(\.id) == [first])
            #expect(running.first?.state == "running")
            #expect(running.first?.labels["org.lava.role"] == "a")
        }
    }
}
