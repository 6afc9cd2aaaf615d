import Hummingbird

/// A job's files as plain text for the visitor's session (LAVA's paths): the whole log as
/// stored (`log_file/plain`) and the definition with its secrets masked (`definition/plain`).
/// The REST API has the same, but reads only `Authorization: Token`, never the session.
struct JobFiles: Sendable {
    let web: WebPages

    func addRoutes(to pages: RouterGroup<LavaRequestContext>) {
        pages.get("scheduler/job/:id/log_file/plain") { request, context in try await log(request, context) }
        pages.get("scheduler/job/:id/definition/plain") { request, context in try await definition(request, context) }
    }

    private static let plain: HTTPFields = [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"]

    private func log(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let visit = try await web.sessions.visit(request, context)
        let job = try await web.visibleJob(context, viewer: visit.user)
        guard let response = try await JobLogResponse.make(web.server.logs, job: job, headers: Self.plain) else {
            throw PageError(.notFound, "Job \(job.id) has no log yet.")
        }
        return response
    }

    private func definition(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let visit = try await web.sessions.visit(request, context)
        let job = try await web.visibleJob(context, viewer: visit.user, withDefinition: true)
        let text = SecretMasking.shown(job.definition, visibility: job.visibility)
        return Response(status: .ok, headers: Self.plain, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
