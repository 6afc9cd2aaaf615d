import DockerEngine
import Foundation
import LavaTestSupport
import Testing

// Serialized: each test sends about 180 MB of binaries to the engine, and the first build's
// apt-get layer is then reused by the others instead of being made twice at once.
@Suite(.serialized) struct WorkerImageTests {
    /// Options lava-docker-worker passes to every inner worker (or may, for --token-file).
    static let supervisorOptions = ["--exit-on-version-mismatch", "--wait-jobs", "--token-file", "--log-file", "--name", "--url", "--worker-dir"]

    @Test("one set of binaries makes images of two versions, labelled, that run", arguments: ["2026.11", "2026.12"])
    func imageOfVersion(version: String) async throws {
        let client = try DockerClient(socketPath: TestDocker.socketPath())
        let tag = "lava-test/lava-dispatcher-\(UUID().uuidString.prefix(8).lowercased()):\(version)"
        try await client.withImages([tag]) {
            try await WorkerImage.build(version: version, tag: tag)
            let image = try #require(try await client.inspectImage(tag))
            #expect(image.labels[WorkerImage.versionLabel] == version)
            let options = Set(try #require(image.labels[WorkerImage.optionsLabel]).split(separator: " ").map(String.init))
            for option in Self.supervisorOptions {
                #expect(options.contains(option), "\(option) missing from \(options.sorted())")
            }
            // Names only: no value or description leaked in from the --help text.
            #expect(options.allSatisfy { $0.wholeMatch(of: /--[a-z0-9][a-z0-9-]*/) != nil }, "\(options.sorted())")

            // As lava-docker-worker runs it: privileged, host network, tini as PID 1.
            let help = try await client.runToEnd(ContainerSpec(
                image: tag, command: ["lava-worker", "--help"], privileged: true, networkMode: "host", initProcess: true
            ))
            #expect(help.status == 0, "\(help.output)")
            #expect(help.output.contains("LAVA \(version)"), "the binary does not report the image's version: \(help.output)")

            let dispatcher = try await client.runToEnd(ContainerSpec(image: tag, command: ["lava-run", "--help"]))
            #expect(dispatcher.status == 0, "\(dispatcher.output)")

            let environment = try await client.runToEnd(ContainerSpec(image: tag, command: ["sh", "-c", "echo $LAVA_VERSION"]))
            #expect(environment.status == 0)
            #expect(environment.output == "\(version)\n")
        }
    }

    @Test("an image published only in the registry is gone locally and pulls back with its labels")
    func publishOnlyInRegistry() async throws {
        let client = try DockerClient(socketPath: TestDocker.socketPath())
        let registry = try TestDocker.registry()
        let tag = "lava-test/lava-dispatcher-\(UUID().uuidString.prefix(8).lowercased()):2026.12"
        let reference = "\(registry)/\(tag)"
        try await client.withImages([tag, reference]) {
            try await WorkerImage.build(version: "2026.12", tag: tag)
            let built = try #require(try await client.inspectImage(tag))

            #expect(try await WorkerImage.publishOnlyInRegistry(tag: tag, registry: registry) == reference)
            #expect(try await client.inspectImage(tag) == nil)
            #expect(try await client.inspectImage(reference) == nil)

            try await client.pullImage(reference) { _ in }
            let pulled = try #require(try await client.inspectImage(reference))
            #expect(pulled.id == built.id)
            #expect(pulled.labels[WorkerImage.versionLabel] == "2026.12")
            #expect(pulled.labels[WorkerImage.optionsLabel] == built.labels[WorkerImage.optionsLabel])
            let environment = try await client.runToEnd(ContainerSpec(image: reference, command: ["sh", "-c", "echo $LAVA_VERSION"]))
            #expect(environment.output == "2026.12\n")
        }
    }
}
