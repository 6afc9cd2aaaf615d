import DockerEngine
import Foundation

/// The lava-dispatcher image (docker/lava-dispatcher/Dockerfile) made from this checkout's static
/// binaries, at any version: the binaries report `$LAVA_VERSION`, which the image sets, so one
/// build of them gives the "before" and "after" images of an upgrade test.
///
/// The binaries are `StaticBinaries`, which scripts/test.sh builds.
public enum WorkerImage {
    /// The image's LAVA version.
    public static let versionLabel = "org.lavasoftware.version"
    /// The long options of the image's lava-worker, space-separated (`--name --url ...`).
    public static let optionsLabel = "org.lavasoftware.lava-worker.options"

    static let imageDirectory = PackageFiles.url("docker/lava-dispatcher")

    /// Builds the image of `version` as `tag` on the test engine (`LAVA_TEST_DOCKER_SOCKET`).
    /// Rebuilding with unchanged binaries reuses the engine's cached layers.
    public static func build(version: String, tag: String) async throws {
        try StaticBinaries.require(["lava-worker", "lava-run"])
        let binaries = StaticBinaries.directory
        let context = try TemporaryDirectory()
        defer { context.remove() }
        for name in ["Dockerfile", "lava-worker-options.sh"] {
            try FileManager.default.copyItem(at: imageDirectory.appendingPathComponent(name), to: context.url.appendingPathComponent(name))
        }
        // Copied, not hard-linked: a new link changes the binary's ctime, and scripts/images.sh's
        // tar, reading the same file in a test running beside this one, then fails with "file
        // changed as we read it". The engine's build takes the context in memory anyway.
        for name in ["lava-worker", "lava-run"] {
            try FileManager.default.copyItem(at: binaries.appendingPathComponent(name), to: context.url.appendingPathComponent(name))
        }
        let options = try await workerOptions(of: context.url.appendingPathComponent("lava-worker"))

        try await TestDocker.buildImage(contextDirectory: context.url, tag: tag,
                                        buildArgs: ["LAVA_VERSION": version, "LAVA_WORKER_OPTIONS": options])
    }

    /// Pushes the local image `tag` to `registry` as `<registry>/<tag>`, then removes both local
    /// names, so the engine has it only in the registry (what an upgrade to an unpulled version
    /// finds). Returns the registry reference to pull.
    @discardableResult
    public static func publishOnlyInRegistry(tag: String, registry: String) async throws -> String {
        let client = try DockerClient(socketPath: TestDocker.socketPath())
        let reference = "\(registry)/\(tag)"
        try await client.tagImage(tag, as: reference)
        do {
            try await client.pushImage(reference) { _ in }
        } catch {
            try? await client.removeImage(reference)
            throw error
        }
        try await client.removeImage(reference)
        try await client.removeImage(tag)
        return reference
    }

    /// The option list for the image's label, from docker/lava-dispatcher/lava-worker-options.sh:
    /// the same parser the Dockerfile checks the label with.
    static func workerOptions(of binary: URL) async throws -> String {
        let script = imageDirectory.appendingPathComponent("lava-worker-options.sh")
        let run = try await BuiltProgram.run(URL(fileURLWithPath: "/bin/sh"), [script.path, binary.path])
        guard run.status == 0 else {
            throw TestFailure("lava-worker-options.sh \(binary.path) failed (\(run.status)): \(run.error)")
        }
        return run.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
