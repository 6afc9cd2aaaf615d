import Foundation

extension DockerClient {
    /// Creates a container and returns its id; a nil name lets the engine pick one.
    public func createContainer(name: String?, _ spec: ContainerSpec) async throws(DockerError) -> String {
        struct Created: Decodable {
            var id: String
            enum CodingKeys: String, CodingKey { case id = "Id" }
        }
        let request = try EngineRequest(.post, "/containers/create", query: name.map { [("name", $0)] } ?? []).json(spec)
        return try await connection.send(
            request, notFound: .imageNotFound(reference: spec.image, message: "pull or build it first")
        ).decode(Created.self).id
    }

    /// Starts a created container; starting a running one is not an error.
    public func startContainer(_ id: String) async throws(DockerError) {
        _ = try await connection.send(EngineRequest(.post, "/containers/\(EngineRequest.segment(id))/start"), accepting: [304], notFound: .containerNotFound(id: id))
    }

    /// Waits, without a time limit, until the container stops and returns its exit status
    /// (at once for one that has already stopped or was never started). Cancel the Task to stop
    /// waiting.
    public func waitContainer(_ id: String) async throws(DockerError) -> Int {
        struct Waited: Decodable {
            struct Failure: Decodable {
                var message: String?
                enum CodingKeys: String, CodingKey { case message = "Message" }
            }

            var statusCode: Int
            var error: Failure?
            enum CodingKeys: String, CodingKey { case statusCode = "StatusCode", error = "Error" }
        }
        var request = EngineRequest(.post, "/containers/\(EngineRequest.segment(id))/wait")
        request.timeout = nil
        let waited = try await connection.send(request, notFound: .containerNotFound(id: id)).decode(Waited.self)
        if let message = waited.error?.message, !message.isEmpty {
            throw .operationFailed(operation: "waiting for container \(id)", message: message)
        }
        return waited.statusCode
    }

    /// Sends a signal (`KILL`, `TERM`, `SIGUSR1`, or a number) to the container's main process.
    public func killContainer(_ id: String, signal: String = "KILL") async throws(DockerError) {
        _ = try await connection.send(
            EngineRequest(.post, "/containers/\(EngineRequest.segment(id))/kill", query: [("signal", signal)]),
            notFound: .containerNotFound(id: id)
        )
    }

    /// Removes the container (and its anonymous volumes); one that is already gone is not an error.
    public func removeContainer(_ id: String, force: Bool = true) async throws(DockerError) {
        _ = try await connection.send(
            EngineRequest(.delete, "/containers/\(EngineRequest.segment(id))", query: [("force", force ? "1" : "0"), ("v", "1")]),
            accepting: [404]
        )
    }

    /// The container's configuration and state, or nil when there is no such container.
    public func inspectContainer(_ id: String) async throws(DockerError) -> ContainerInfo? {
        let response = try await connection.send(EngineRequest(.get, "/containers/\(EngineRequest.segment(id))/json"), accepting: [404])
        if response.status == 404 { return nil }
        return try response.decode(ContainerInfo.self)
    }

    /// Containers, stopped ones too unless `all` is false, filtered by labels: a nil value
    /// matches any container with the key, a string only that value.
    public func listContainers(all: Bool = true, labels: [String: String?] = [:]) async throws(DockerError) -> [ContainerSummary] {
        var query: [(name: String, value: String)] = [("all", all ? "1" : "0")]
        if let filters = EngineRequest.labelFilters(labels) { query.append(("filters", filters)) }
        return try await connection.send(EngineRequest(.get, "/containers/json", query: query)).decode([ContainerSummary].self)
    }
}
