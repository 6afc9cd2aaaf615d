import Hummingbird
import LavaCore

/// `/api/v0.2/system/…`, `/health`, `/v1/healthz/`, lava-publisher's `/ws/v1/healthz` and `/metrics`.
struct SystemAPI: Sendable {
    let server: Server

    func addRoutes(to router: Router<LavaRequestContext>) {
        router.get("api/v0.2/system/version") { _, _ in
            let version = server.configuration.version
            // The cached policy, as each ping uses it; while the database is down, LAVA's answer alone.
            let policy = (try? await server.versionPolicy.current()) ?? .exact
            let plan = (try? await server.versionPolicy.plan()) ?? UpgradePlan()
            return try JSONResponse.make(VersionResponse(version: version, policy: policy, plan: plan))
        }
        router.get("api/v0.2/system/whoami") { request, _ in
            let user = try await RESTAuth(server: server).user(request)
            return try JSONResponse.make(["user": user?.name ?? ""])
        }
        router.get("health") { _, _ in try await health() }
        router.get("v1/healthz") { _, _ in try await health() }
        router.get("ws/v1/healthz") { _, _ in try await health() }
        router.get("metrics") { _, _ in
            let text = try await server.metrics.render(server: server)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    /// For load balancers: good only while the database answers.
    private func health() async throws -> Response {
        do {
            try await server.database.read { try await $0.raw("SELECT 1").run() }
            return try JSONResponse.make(["health": "good"])
        } catch {
            return try JSONResponse.make(["health": "bad", "error": "database unreachable: \(error)"], status: .serviceUnavailable)
        }
    }
}
