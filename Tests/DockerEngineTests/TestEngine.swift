import DockerEngine
import Foundation
import LavaTestSupport
import Testing

/// The real engine and registry the tests run against (scripts/docker-engine.sh starts both;
/// scripts/test.sh exports their addresses). A missing variable fails the test, never skips it.
enum TestEngine {
    static let baseImage = TestDocker.baseImage

    static func client() throws -> DockerClient {
        try DockerClient(socketPath: TestDocker.socketPath())
    }

    static func registry() throws -> String {
        try TestDocker.registry()
    }

    /// A name no other test (or earlier run) uses.
    static func unique(_ what: String) -> String {
        "lava-test-\(what)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Runs `body`, then removes the containers and images it registered, whether it threw or not.
    static func withCleanup<T>(_ client: DockerClient, _ body: (Cleanup) async throws -> T) async throws -> T {
        let cleanup = Cleanup()
        let result: Result<T, any Error>
        do {
            result = .success(try await body(cleanup))
        } catch {
            result = .failure(error)
        }
        for id in cleanup.containers.reversed() { try? await client.removeContainer(id, force: true) }
        for image in cleanup.images.reversed() { try? await client.removeImage(image, force: true) }
        for directory in cleanup.directories { try? FileManager.default.removeItem(at: directory) }
        return try result.get()
    }

    /// What a test created and must not leave behind.
    final class Cleanup {
        var containers: [String] = []
        var images: [String] = []
        var directories: [URL] = []

        func temporaryDirectory() throws -> URL {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(TestEngine.unique("dir"))
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            directories.append(directory)
            return directory
        }
    }

    /// Collects what a `@Sendable` handler receives.
    final class Collector<Element: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var elements: [Element] = []

        func append(_ element: Element) {
            lock.withLock { elements.append(element) }
        }

        var all: [Element] { lock.withLock { elements } }
    }
}

extension [OutputChunk] {
    /// The text written to one stream.
    func text(_ stream: OutputChunk.Stream) -> String {
        String(decoding: filter { $0.stream == stream }.flatMap(\.bytes), as: UTF8.self)
    }
}
