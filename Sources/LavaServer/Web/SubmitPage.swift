import Hummingbird

/// `/scheduler/jobsubmit`: a signed-in user pastes a job definition; a refused one comes back
/// with the server's error beside the line it names.
struct SubmitPage: Sendable {
    let web: WebPages

    /// As the REST API's submit, once decoded.
    static let maxBytes = 4 * 1024 * 1024
    /// A form percent-encodes most punctuation and every line break in three bytes.
    static let maxFormBytes = 3 * maxBytes
    /// Lines shown on each side of the one an error names.
    static let context = 20

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
        let form = try await FormCheck.read(request, visit: visit, limit: Self.maxFormBytes)
        // Browsers send a textarea's lines ending in CR LF (HTML's form encoding); a definition is stored as YAML files are written.
        let yaml = (form["definition"] ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        guard yaml.utf8.count <= Self.maxBytes else {
            throw PageError(.contentTooLarge, "Job definition too large: the limit is 4 MiB.")
        }
        switch try await JobSubmission(server: web.server).submit(yaml, by: user) {
        case .success(let id):
            web.scheduler?.wake()
            return WebPages.redirect("/scheduler/job/\(id)")
        case .failure(let refusal):
            let errorLine = DefinitionErrorLine.find(refusal.message, in: yaml)
            // The lines around the error only: a definition may have millions of lines.
            let all = DefinitionErrorLine.lines(of: yaml)
            let shown = errorLine.map { max(1, $0 - Self.context)...min(all.count, $0 + Self.context) }
            let lines = (shown.map(Array.init) ?? []).map { number -> [String: Any] in
                // has_error on every line: a missing key would be looked up in the page around it.
                ["number": number, "text": String(all[number - 1]), "has_error": number == errorLine]
            }
            return web.page("submit", title: "Submit a job", visit: visit, [
                "definition": yaml, "error": refusal.message, "lines": lines, "error_line": errorLine ?? 0,
                "first_line": shown?.lowerBound ?? 1,
                "unplaced": errorLine == nil,
            ], status: .badRequest)
        }
    }
}
