import Hummingbird

/// `/scheduler/jobsubmit`: a signed-in user pastes a job definition; a refused one comes back
/// with the server's error beside the line it names.
struct SubmitPage: Sendable {
    let web: WebPages

    /// As the REST API's submit.
    static let maxBytes = 4 * 1024 * 1024

    func addRoutes(to pages: RouterGroup<LavaRequestContext>) {
        pages.get("scheduler/jobsubmit") { request, context in
            let visit = try await web.sessions.visit(request, context)
            return web.page("submit", title: "Submit a job", visit: visit, ["definition": ""])
        }
        pages.post("scheduler/jobsubmit") { request, context in try await submit(request, context) }
    }

    private func submit(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let visit = try await web.sessions.visit(request, context)
        let user = try web.requireUser(visit, to: "submit jobs")
        let form = try await FormCheck.read(request, visit: visit, limit: Self.maxBytes)
        // Browsers send a textarea's lines ending in CR LF (HTML's form encoding); a definition is stored as YAML files are written.
        let yaml = (form["definition"] ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        switch try await JobSubmission(server: web.server).submit(yaml, by: user) {
        case .success(let id):
            web.scheduler?.wake()
            return WebPages.redirect("/scheduler/job/\(id)")
        case .failure(let refusal):
            let errorLine = DefinitionErrorLine.find(refusal.message, in: yaml)
            let lines = DefinitionErrorLine.lines(of: yaml).enumerated().map { index, text -> [String: Any] in
                // has_error on every line: a missing key would be looked up in the page around it.
                ["number": index + 1, "text": String(text), "has_error": index + 1 == errorLine]
            }
            return web.page("submit", title: "Submit a job", visit: visit, [
                "definition": yaml, "error": refusal.message, "lines": lines, "error_line": errorLine ?? 0,
                "unplaced": errorLine == nil,
            ], status: .badRequest)
        }
    }
}
