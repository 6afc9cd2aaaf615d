import DockerEngine
import DockerWorker
import Foundation
import Synchronization

/// An engine in memory for the supervisor's driver: it has the images it is given, creates and
/// starts containers at once, and a started container runs until it is sent a signal, then
/// exits with `exitStatus`. It records each call, in order. With `startHangs`, a start returns
/// only when its caller is cancelled, and the container runs all the same (the engine got it).
final class FakeEngine: WorkerEngine {
    private struct Container {
        var summary: ContainerSummary
        var exit: Int?
        var waiters: [CheckedContinuation<Int, Never>] = []
    }

    private struct State {
        var calls: [String] = []
        var containers: [String: Container] = [:]
        var images: Set<String>
        var repoDigests: [String: [String]]
    }

    private let state: Mutex<State>
    private let exitStatus: Int
    private let startHangs: Bool
    /// Each call, as it is made (`create lava-worker-2026.11-…`, `kill TERM`, …).
    let calls: AsyncStream<String>
    private let callsInput: AsyncStream<String>.Continuation

    /// `repoDigests`: each image's `RepoDigests` (none by default, as for a local build).
    init(images: Set<String>, exitStatus: Int = 0, repoDigests: [String: [String]] = [:], startHangs: Bool = false) {
        state = Mutex(State(images: images, repoDigests: repoDigests))
        self.exitStatus = exitStatus
        self.startHangs = startHangs
        (calls, callsInput) = AsyncStream.makeStream()
    }

    var recorded: [String] { state.withLock { $0.calls } }
    /// The containers it has, by id.
    var containerIDs: [String] { state.withLock { $0.containers.keys.sorted() } }

    private func record(_ call: String) {
        state.withLock { $0.calls.append(call) }
        callsInput.yield(call)
    }

    func ping() async throws(DockerError) { record("ping") }

    func listContainers(all: Bool, labels: [String: String?]) async throws(DockerError) -> [ContainerSummary] {
        record("list")
        return state.withLock { state in
            state.containers.values.map(\.summary).filter { summary in
                labels.allSatisfy { key, value in summary.labels[key].map { value == nil || $0 == value } ?? false }
            }
        }
    }

    func createContainer(name: String?, _ spec: ContainerSpec) async throws(DockerError) -> String {
        let id = "c\(state.withLock { $0.containers.count })"
        record("create \(name ?? id)")
        let summary: ContainerSummary = try Self.decode(["Id": id, "Names": ["/\(name ?? id)"], "Image": spec.image,
                                                         "Labels": spec.labels, "State": "created"])
        state.withLock { $0.containers[id] = Container(summary: summary) }
        return id
    }

    func startContainer(_ id: String) async throws(DockerError) {
        record("start \(id)")
        if startHangs {
            // Until the caller is cancelled: a stream nobody writes to ends only then.
            let (never, keeper) = AsyncStream<Never>.makeStream()
            for await _ in never {}
            keeper.finish()
        }
        state.withLock { $0.containers[id]?.summary.state = "running" }
    }

    func waitContainer(_ id: String) async throws(DockerError) -> Int {
        await withCheckedContinuation { continuation in
            let exit = state.withLock { state -> Int? in
                guard let exit = state.containers[id]?.exit else {
                    state.containers[id]?.waiters.append(continuation)
                    return nil
                }
                return exit
            }
            if let exit { continuation.resume(returning: exit) }
        }
    }

    func killContainer(_ id: String, signal: String) async throws(DockerError) {
        record("kill \(id) \(signal)")
        let waiters = state.withLock { state -> [CheckedContinuation<Int, Never>] in
            state.containers[id]?.exit = exitStatus
            state.containers[id]?.summary.state = "exited"
            defer { state.containers[id]?.waiters = [] }
            return state.containers[id]?.waiters ?? []
        }
        waiters.forEach { $0.resume(returning: exitStatus) }
    }

    func removeContainer(_ id: String, force: Bool) async throws(DockerError) {
        record("remove \(id)")
        state.withLock { _ = $0.containers.removeValue(forKey: id) }
    }

    func containerLogs(_ id: String, follow: Bool, since: Date?) -> AsyncThrowingStream<OutputChunk, any Error> {
        AsyncThrowingStream { $0.finish() }
    }

    func inspectImage(_ reference: String) async throws(DockerError) -> ImageInfo? {
        record("inspect \(reference)")
        guard let digests = state.withLock({ $0.images.contains(reference) ? $0.repoDigests[reference] ?? [] : nil }) else { return nil }
        // The options label spares the driver a `lava-worker --help` container.
        return try Self.decode(["Id": "sha256:\(reference)", "RepoTags": [reference], "RepoDigests": digests,
                                "Config": ["Labels": [WorkerContainerPlan.optionsLabel: "--name --url"]]])
    }

    /// The engine's types are made as the engine sends them.
    private static func decode<T: Decodable>(_ object: [String: Any]) throws(DockerError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: JSONSerialization.data(withJSONObject: object))
        } catch {
            throw .invalidResponse(detail: "\(error)")
        }
    }

    func pullImage(_ reference: String, progress: @escaping @Sendable (String) -> Void) async throws(DockerError) {
        record("pull \(reference)")
        throw .imageNotFound(reference: reference, message: "not in this fake's registry")
    }

    func buildImage(contextDirectory: URL, tag: String, dockerfile: String, noCache: Bool,
                    progress: @escaping @Sendable (String) -> Void) async throws(DockerError) {
        record("build \(tag)")
    }

    func removeImage(_ reference: String, force: Bool) async throws(DockerError) {
        record("remove image \(reference)")
    }

    func listImages(labels: [String: String]) async throws(DockerError) -> [ImageSummary] { [] }
}
