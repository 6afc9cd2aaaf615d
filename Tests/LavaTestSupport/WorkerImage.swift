import DockerEngine
import Foundation
import Synchronization

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
        let client = try DockerClient(socketPath: TestDocker.socketPath())
        // Inside the scratch directory so the binaries (about 180 MB) are hard-linked, not copied.
        let context = StaticBinaries.scratchDirectory.appendingPathComponent("worker-image-context-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: context) }
        try FileManager.default.createDirectory(at: context, withIntermediateDirectories: true)
        for name in ["Dockerfile", "lava-worker-options.sh"] {
            try FileManager.default.copyItem(at: imageDirectory.appendingPathComponent(name), to: context.appendingPathComponent(name))
        }
        for name in ["lava-worker", "lava-run"] {
            try FileManager.default.linkItem(at: binaries.appendingPathComponent(name), to: context.appendingPathComponent(name))
        }
        let options = try workerOptions(of: context.appendingPathComponent("lava-worker"))

        let output = BuildOutput()
        do {
            try await client.buildImage(
                contextDirectory: context,
                tag: tag,
                buildArgs: ["LAVA_VERSION": version, "LAVA_WORKER_OPTIONS": options]
            ) { line in
                output.append(line)
            }
        } catch {
            // The engine's error is only "returned a non-zero code"; the step's own message is in the output.
            let tail = output.last(30).joined(separator: "\n")
            throw TestFailure("building \(tag) (LAVA \(version)) failed: \(error)\n\(tail)")
        }
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
    static func workerOptions(of binary: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [imageDirectory.appendingPathComponent("lava-worker-options.sh").path, binary.path]
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Small outputs (a --help text), so reading one pipe to its end cannot block the other.
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestFailure("lava-worker-options.sh \(binary.path) failed (\(process.terminationStatus)): \(errors)")
        }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The build's progress lines, kept for the failure message.
private final class BuildOutput: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    func last(_ count: Int) -> [String] {
        lines.withLock { Array($0.suffix(count)) }
    }
}
