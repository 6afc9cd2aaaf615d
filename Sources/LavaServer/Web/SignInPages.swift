import Hummingbird

/// `/accounts/login/` and `/accounts/logout/` (LAVA's paths): sign in with a user's name and API
/// token (`lava-server users add` prints it), sign out.
struct SignInPages: Sendable {
    let web: WebPages

    func addRoutes(to pages: RouterGroup<LavaRequestContext>) {
        pages.get("accounts/login") { request, context in try await form(request, context) }
        pages.post("accounts/login") { request, context in try await signIn(request, context) }
        pages.post("accounts/logout") { request, context in try await signOut(request, context) }
    }

    /// Where to go after signing in: a path of this server only, never another site.
    static func destination(_ text: String?) -> String {
        guard let text, text.hasPrefix("/"), !text.hasPrefix("//"), !text.contains("\\"), text.utf8.count <= 1000,
              !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f })
        else { return "/" }
        return text
    }

    private func form(
        _ request: Request, _ context: LavaRequestContext, error: String? = nil, name: String = "", next: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let visit = try await web.sessions.visit(request, context)
        let (token, cookie) = WebSessions.signInToken(visit)
        var values: [String: Any] = [
            "signin_csrf": token, "name": name,
            "next": Self.destination(next ?? request.uri.queryParameters.get("next")),
        ]
        if let error { values["error"] = error }
        return web.page("login", title: "Sign in", visit: visit, values, status: status, cookies: cookie.map { [$0] } ?? [])
    }

    private func signIn(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let visit = try await web.sessions.visit(request, context)
        // The sign-in form's own token, not a session's: this is the form that makes the session.
        let form = try await FormCheck.read(request, visit: Visit(session: nil, secure: visit.secure, signInToken: visit.signInToken))
        let name = form["username"] ?? ""
        let token = form["token"] ?? ""
        let user = try await web.server.database.read { try await UserStore.find($0, name: name, token: token) }
        guard let user, !name.isEmpty else {
            return try await self.form(request, context, error: "Unknown user name or API token.", name: name, next: form["next"], status: .unauthorized)
        }
        let cookie = try await web.sessions.signIn(user, visit: visit)
        return WebPages.redirect(Self.destination(form["next"]), cookies: [cookie])
    }

    private func signOut(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let visit = try await web.sessions.visit(request, context)
        // An ended session has nothing left to protect: its cookie is cleared all the same.
        if visit.session != nil { _ = try await FormCheck.read(request, visit: visit) }
        return WebPages.redirect("/", cookies: [try await web.sessions.signOut(visit)])
    }
}
