import Hummingbird
import LavaCore

/// `/api/v0.2/workers/…`: each worker with its state, version and whether the version policy
/// accepts that version.
struct WorkersAPI: Sendable {
    let server: Server

    func addRoutes(to router: Router<LavaRequestContext>) {
        router.get("api/v0.2/workers") { request, _ in
            let page = try PageRequest(request)
            let workers = try await server.database.read { try await WorkerStore.all($0) }
            return try JSONResponse.make(page.page(slicing: try await views(workers), request: request))
        }
        router.get("api/v0.2/workers/:name") { _, context in
            let name = context.parameters.get("name") ?? ""
            guard let worker = try await server.database.read({ try await WorkerStore.find($0, name: name) }) else {
                throw APIError.unknownWorker(name)
            }
            return try JSONResponse.make(try await views([worker])[0])
        }
    }

    private func views(_ workers: [WorkerRecord]) async throws -> [WorkerView] {
        let policy = try await server.versionPolicy.current()
        let version = server.configuration.version
        return workers.map { worker in
            WorkerView(
                hostname: worker.name,
                state: worker.state.name,
                health: worker.health.name,
                description: worker.description,
                lastPing: Timestamp.iso(worker.lastPing),
                jobLimit: worker.jobLimit,
                version: worker.version,
                versionMatch: worker.version.map { policy.accepts(worker: $0, server: version) } ?? false,
                versionPolicy: policy.description
            )
        }
    }
}

struct WorkerView: Encodable, Sendable {
    var hostname: String
    var state: String
    var health: String
    var description: String
    var lastPing: String?
    var jobLimit: Int
    var version: String?
    /// Beyond LAVA: whether the server's version policy accepts this worker's version.
    var versionMatch: Bool
    var versionPolicy: String

    enum CodingKeys: String, CodingKey {
        case hostname, state, health, description, version
        case lastPing = "last_ping"
        case jobLimit = "job_limit"
        case versionMatch = "version_match"
        case versionPolicy = "version_policy"
    }

    /// Written out so a worker that never pinged shows `null` version and last ping.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(hostname, forKey: .hostname)
        try container.encode(state, forKey: .state)
        try container.encode(health, forKey: .health)
        try container.encode(description, forKey: .description)
        try container.encode(lastPing, forKey: .lastPing)
        try container.encode(jobLimit, forKey: .jobLimit)
        try container.encode(version, forKey: .version)
        try container.encode(versionMatch, forKey: .versionMatch)
        try container.encode(versionPolicy, forKey: .versionPolicy)
    }
}
