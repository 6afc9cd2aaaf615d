import DockerEngine
import Foundation

/// What the supervisor needs of a Docker engine: `DockerClient` on the real one, a fake in the
/// tests of the supervisor's logic. The names and errors are `DockerClient`'s own.
public protocol WorkerEngine: Sendable {
    func ping() async throws(DockerError)
    func listContainers(all: Bool, labels: [String: String?]) async throws(DockerError) -> [ContainerSummary]
    func createContainer(name: String?, _ spec: ContainerSpec) async throws(DockerError) -> String
    func startContainer(_ id: String) async throws(DockerError)
    /// The exit status once the container has stopped.
    func waitContainer(_ id: String) async throws(DockerError) -> Int
    func killContainer(_ id: String, signal: String) async throws(DockerError)
    func removeContainer(_ id: String, force: Bool) async throws(DockerError)
    func containerLogs(_ id: String, follow: Bool, since: Date?) -> AsyncThrowingStream<OutputChunk, any Error>
    /// Nil when the engine has no such image.
    func inspectImage(_ reference: String) async throws(DockerError) -> ImageInfo?
    func pullImage(_ reference: String, progress: @escaping @Sendable (String) -> Void) async throws(DockerError)
    func buildImage(contextDirectory: URL, tag: String, dockerfile: String, noCache: Bool,
                    progress: @escaping @Sendable (String) -> Void) async throws(DockerError)
    func removeImage(_ reference: String, force: Bool) async throws(DockerError)
    func listImages(labels: [String: String]) async throws(DockerError) -> [ImageSummary]
}

extension DockerClient: WorkerEngine {
    public func buildImage(contextDirectory: URL, tag: String, dockerfile: String, noCache: Bool,
                           progress: @escaping @Sendable (String) -> Void) async throws(DockerError) {
        try await buildImage(contextDirectory: contextDirectory, tag: tag, buildArgs: [:], labels: [:], dockerfile: dockerfile,
                             noCache: noCache, progress: progress)
    }
}
