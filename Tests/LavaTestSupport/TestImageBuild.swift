import DockerEngine
import Foundation
import Synchronization

extension TestDocker {
    /// Builds `contextDirectory` as `tag` on the test engine. The engine's error says only that a
    /// step "returned a non-zero code"; the step's own message is in the build's output, so a
    /// failure carries the output's last 30 lines.
    public static func buildImage(contextDirectory: URL, tag: String, buildArgs: [String: String] = [:]) async throws {
        let client = try DockerClient(socketPath: socketPath())
        let output = BuildOutput()
        do {
            try await client.buildImage(contextDirectory: contextDirectory, tag: tag, buildArgs: buildArgs) { line in
                output.append(line)
            }
        } catch {
            throw TestFailure("building \(tag) failed: \(error)\n\(output.last(30).joined(separator: "\n"))")
        }
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
