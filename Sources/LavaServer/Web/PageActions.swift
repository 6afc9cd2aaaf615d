import Hummingbird
import LavaCore

/// The pages' forms that change things, each a POST with the session's CSRF token: cancel a
/// job (its submitter or an admin); put a worker or a device into maintenance and back, and
/// give a worker a new token (admins).
struct PageActions: Sendable {
    let web: WebPages

    func addRoutes(to pages: RouterGroup<LavaRequestContext>) {
        pages.post("scheduler/job/:id/cancel") { request, context in try await cancel(request, context) }
        pages.post("scheduler/worker/:name/health") { request, context in try await workerHealth(request, context) }
        pages.post("scheduler/worker/:name/token") { request, context in try await workerToken(request, context) }
        pages.post("scheduler/device/:name/health") { request, context in try await deviceHealth(request, context) }
    }

    private func cancel(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let visit = try await web.sessions.visit(request, context)
        let user = try web.requireUser(visit, to: "cancel jobs")
        _ = try await FormCheck.read(request, visit: visit)
        let job = try await web.visibleJob(context, viewer: user)
        guard JobAccess.canCancel(job, by: user) else {
            throw PageError(.forbidden, "Only the submitter '\(job.submitter)' or an admin may cancel job \(job.id).")
        }
        switch try await JobTransitions(server: web.server).cancel(jobID: job.id) {
        case .unknownJob: throw PageError.notFound("Job \(job.id)")
        case .alreadyFinished, .canceled, .canceling:
            // Already finished is what the visitor wanted anyway: the page shows how it ended.
            web.scheduler?.wake()
            return WebPages.redirect("/scheduler/job/\(job.id)")
        }
    }

    private func workerHealth(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let visit = try await web.sessions.visit(request, context)
        _ = try web.requireAdmin(visit, to: "change a worker's health")
        let form = try await FormCheck.read(request, visit: visit)
        let name = context.parameters.get("name") ?? ""
        guard let text = form["health"], let health = WorkerHealth(name: text) else {
            throw PageError(.badRequest, "'health' must be one of \(WorkerHealth.allCases.map(\.name).joined(separator: ", ")).")
        }
        try await Inventory(database: web.server.database).setWorkerHealth(name, health)
        web.scheduler?.wake()
        return WebPages.redirect("/scheduler/worker/\(PageQuery.encode(name))")
    }

    private func deviceHealth(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let visit = try await web.sessions.visit(request, context)
        _ = try web.requireAdmin(visit, to: "change a device's health")
        let form = try await FormCheck.read(request, visit: visit)
        let name = context.parameters.get("name") ?? ""
        guard let text = form["health"], let health = DeviceHealth(name: text) else {
            throw PageError(.badRequest, "'health' must be one of \(DeviceHealth.allCases.map(\.name).joined(separator: ", ")).")
        }
        do {
            try await Inventory(database: web.server.database).setDeviceHealth(name, health)
        } catch let error as AdminError where error.status == .notFound {
            throw PageError.notFound("Device '\(name)'")
        }
        web.scheduler?.wake()
        return WebPages.redirect("/scheduler/device/\(PageQuery.encode(name))")
    }

    /// The new token is shown this once, with the command that installs the worker with it.
    private func workerToken(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let visit = try await web.sessions.visit(request, context)
        _ = try web.requireAdmin(visit, to: "issue worker tokens")
        _ = try await FormCheck.read(request, visit: visit)
        let name = context.parameters.get("name") ?? ""
        let token = try await Inventory(database: web.server.database).renewWorkerToken(name)
        let scheme = visit.secure ? "https" : "http"
        let host = request.head.authority ?? "SERVER"
        return web.page("token", title: "New token for \(name)", visit: visit, [
            "worker": name, "token": token,
            "install": "lava-docker-worker install --url \(scheme)://\(host) --name \(name) --token \(token)",
        ])
    }
}
