import HTTPTypes
import Hummingbird
import LavaCore

/// The worker-facing API under `/scheduler/internal/v1/` (spec §2), byte-compatible with LAVA.
struct InternalAPI: Sendable {
    let server: Server

    func addRoutes(to router: Router<LavaRequestContext>) {
        let group = router.group("scheduler/internal/v1")
        group.post("workers") { request, context in try await register(request, context) }
        group.post("workers/:name") { _, _ -> Response in throw APIError(.forbidden, "POST is forbidden for such url") }
        group.get("workers/:name") { request, context in try await ping(request, context) }
        group.get("jobs/:id") { request, context in try await fetchJob(request, context) }
        group.post("jobs/:id") { request, context in try await reportState(request, context) }
        group.post("jobs/:id/logs") { request, context in try await uploadLogs(request, context) }
        refuseOtherMethods(group, "workers", allowed: [.get, .post])
        refuseOtherMethods(group, "workers/:name", allowed: [.get, .post])
        refuseOtherMethods(group, "jobs/:id", allowed: [.get, .post])
        refuseOtherMethods(group, "jobs/:id/logs", allowed: [.post])
    }

    /// Django answers a wrong method with 405, an empty body and `Allow` (spec §2.0).
    private func refuseOtherMethods(_ group: RouterGroup<LavaRequestContext>, _ path: RouterPath, allowed: [HTTPRequest.Method]) {
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] where !allowed.contains(method) {
            group.on(path, method: method) { _, _ in
                Response(status: .methodNotAllowed, headers: [.allow: allow, .contentLength: "0"])
            }
        }
    }

    static let tokenHeader = HTTPField.Name("LAVA-Token")!

    /// The job a request names and whose token it carries; 404 before 400 as LAVA (spec §2.0).
    ///
    /// A job token is live only while its job is on a worker (Scheduled, Running, Canceling):
    /// before, no worker was handed it; after, it must not append lines, report an end again or
    /// fetch the secrets. LAVA's worker and lava-run both take `Unknown job '<id>'` as "the server
    /// is done with this job" (a FINISHED resent after a lost answer included), so that is the
    /// answer, rather than a new text they would retry on forever.
    func authorizedJob(_ request: Request, _ context: LavaRequestContext) async throws -> JobRecord {
        let job = try await server.job(named: context)
        guard let token = request.headers[Self.tokenHeader] else { throw APIError.missingToken() }
        guard Token.constantTimeEquals(token, job.token) else { throw APIError.invalidToken() }
        guard job.state.isOnWorker else { throw APIError.unknownJob(String(job.id)) }
        return job
    }
}
