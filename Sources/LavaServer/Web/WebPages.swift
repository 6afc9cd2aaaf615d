import Foundation
import Hummingbird

/// The pages for people, at LAVA's paths: the summary, the fleet, devices, jobs with their log
/// and results, sign-in and the forms of users and admins. Everything but the live updates
/// works without JavaScript; the scripts are the server's own files (no CDN).
struct WebPages: Sendable {
    let server: Server
    let scheduler: SchedulerService?
    let templates: PageTemplates

    var sessions: WebSessions { WebSessions(server: server) }

    func addRoutes(to router: Router<LavaRequestContext>, staticDirectory: URL) {
        router.add(middleware: StaticFiles(directory: staticDirectory))
        let pages = router.group()
            .add(middleware: SecurityHeaders<LavaRequestContext>())
            .add(middleware: PageErrors(templates: templates, logger: server.logger))
        SummaryPage(web: self).addRoutes(to: pages)
        FleetPages(web: self).addRoutes(to: pages)
        DevicePages(web: self).addRoutes(to: pages)
        JobListPage(web: self).addRoutes(to: pages)
        JobPage(web: self).addRoutes(to: pages)
        JobLive(web: self).addRoutes(to: pages)
        JobFiles(web: self).addRoutes(to: pages)
        ResultsPage(web: self).addRoutes(to: pages)
        SignInPages(web: self).addRoutes(to: pages)
        SubmitPage(web: self).addRoutes(to: pages)
        PageActions(web: self).addRoutes(to: pages)
    }

    /// `template` inside the layout: the visitor, the server's version and the page's title come
    /// with every page.
    func page(
        _ template: String, title: String, visit: Visit, _ values: [String: Any],
        status: HTTPResponse.Status = .ok, cookies: [Cookie] = []
    ) -> Response {
        var response = templates.page(template, layout(title: title, visit: visit, values), status: status)
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    func layout(title: String, visit: Visit, _ values: [String: Any]) -> [String: Any] {
        var all = visit.layoutValues
        all["title"] = title
        all["server_version"] = server.configuration.version
        all.merge(values) { _, page in page }
        return all
    }

    /// After a form: back to a page (303, so a reload does not send the form again).
    static func redirect(_ location: String, cookies: [Cookie] = []) -> Response {
        var response = Response.redirect(to: location, type: .normal)
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    func requireUser(_ visit: Visit, to action: String) throws -> UserRecord {
        guard let user = visit.user else { throw PageError(.unauthorized, "Sign in to \(action).") }
        return user
    }

    func requireAdmin(_ visit: Visit, to action: String) throws -> UserRecord {
        let user = try requireUser(visit, to: action)
        guard user.isAdmin else { throw PageError(.forbidden, "Only admins may \(action); '\(user.name)' is not one.") }
        return user
    }
}

extension WebPages {
    /// The job of the route's `:id` if the visitor may see it; a private job is the same "not
    /// found" as a missing one, as in the REST API.
    /// `withDefinition` false reads the definition as "": what polls every second needs none.
    func visibleJob(_ context: LavaRequestContext, viewer: UserRecord?, withDefinition: Bool = false) async throws -> JobRecord {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int(text), id > 0 else { throw PageError.notFound("Job '\(text)'") }
        let job = try await server.database.read { db -> JobRecord? in
            guard let job = try await JobStore.find(db, id: id, withDefinition: withDefinition),
                  try await JobAccess.canView(db, job, viewer: viewer) else { return nil }
            return job
        }
        guard let job else { throw PageError.notFound("Job \(id)") }
        return job
    }

    /// Whether `user` may cancel `job`: its submitter or an admin, while it has not finished.
    static func mayCancel(_ job: JobRecord, _ user: UserRecord?) -> Bool {
        guard let user, job.state != .finished else { return false }
        return JobAccess.canCancel(job, by: user)
    }
}
