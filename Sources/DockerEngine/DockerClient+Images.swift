import Foundation

extension DockerClient {
    /// The local image, or nil when the engine has none by that reference.
    public func inspectImage(_ reference: String) async throws(DockerError) -> ImageInfo? {
        let response = try await connection.send(EngineRequest(.get, "/images/\(EngineRequest.segment(reference))/json"), accepting: [404])
        if response.status == 404 { return nil }
        return try response.decode(ImageInfo.self)
    }

    /// Pulls an image from its registry; `progress` gets one line per progress message.
    public func pullImage(_ reference: String, progress: @escaping @Sendable (String) -> Void) async throws(DockerError) {
        let image = ImageReference(reference)
        var request = EngineRequest(.post, "/images/create", query: [("fromImage", image.repository), ("tag", image.tag)])
        request.headers = [Self.emptyRegistryAuth]
        do {
            try await followProgress(request, operation: "pulling \(reference)", progress: progress)
        } catch .engine(let status, let message) where status == 404 {
            throw .imageNotFound(reference: reference, message: message)
        } catch .operationFailed(_, let message) where message.contains("not found") || message.contains("manifest unknown") {
            throw .imageNotFound(reference: reference, message: message)
        }
    }

    /// Builds an image from a directory holding a Dockerfile, with the host's network (so
    /// `apt-get` in the Dockerfile works without a bridge). `.dockerignore` is not applied.
    public func buildImage(
        contextDirectory: URL,
        tag: String,
        buildArgs: [String: String] = [:],
        labels: [String: String] = [:],
        dockerfile: String = "Dockerfile",
        noCache: Bool = false,
        progress: @escaping @Sendable (String) -> Void
    ) async throws(DockerError) {
        let archive: [UInt8]
        do {
            archive = try TarArchiveWriter.archive(directory: contextDirectory)
        } catch {
            throw .buildContext(path: contextDirectory.path, detail: error.description)
        }
        var request = EngineRequest(.post, "/build", query: [
            ("t", tag), ("dockerfile", dockerfile), ("networkmode", "host"), ("rm", "1"), ("forcerm", "1"),
            ("buildargs", Self.jsonObject(buildArgs)), ("labels", Self.jsonObject(labels)),
            ("nocache", noCache ? "1" : "0"),
        ])
        request.body = archive
        request.contentType = "application/x-tar"
        try await followProgress(request, operation: "building \(tag)", progress: progress)
    }

    /// Gives an image another name (`POST /images/{name}/tag`).
    public func tagImage(_ source: String, as target: String) async throws(DockerError) {
        let image = ImageReference(target)
        _ = try await connection.send(
            EngineRequest(.post, "/images/\(EngineRequest.segment(source))/tag", query: [("repo", image.repository), ("tag", image.tag)]),
            notFound: .imageNotFound(reference: source, message: "no such image in the engine")
        )
    }

    /// Pushes an image to its registry. Credentials are not supported: the header carries an
    /// empty auth object, which is what registries without authentication (the local one) want.
    public func pushImage(_ reference: String, progress: @escaping @Sendable (String) -> Void) async throws(DockerError) {
        let image = ImageReference(reference)
        var request = EngineRequest(.post, "/images/\(EngineRequest.segment(image.repository))/push", query: [("tag", image.tag)])
        request.headers = [Self.emptyRegistryAuth]
        try await followProgress(request, operation: "pushing \(reference)", notFound: .imageNotFound(reference: reference, message: "no such image in the engine"), progress: progress)
    }

    /// Removes an image (untags it; layers go when nothing else uses them).
    public func removeImage(_ reference: String, force: Bool = false) async throws(DockerError) {
        _ = try await connection.send(
            EngineRequest(.delete, "/images/\(EngineRequest.segment(reference))", query: [("force", force ? "1" : "0")]),
            notFound: .imageNotFound(reference: reference, message: "no such image in the engine")
        )
    }

    /// Local images, only those with all the given labels when any are given.
    public func listImages(labels: [String: String] = [:]) async throws(DockerError) -> [ImageSummary] {
        var query: [(name: String, value: String)] = []
        if let filters = EngineRequest.labelFilters(labels.mapValues { Optional($0) }) { query.append(("filters", filters)) }
        return try await connection.send(EngineRequest(.get, "/images/json", query: query)).decode([ImageSummary].self)
    }

    /// `X-Registry-Auth` with base64 of `{}`.
    static let emptyRegistryAuth = (name: "X-Registry-Auth", value: "e30=")

    private static func jsonObject(_ values: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(values)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
