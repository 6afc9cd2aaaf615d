import Hummingbird

/// What every POST of the pages must pass before it changes anything: a form of at most
/// `limit` bytes, sent from this site (Origin), carrying the session's `csrf_token` (or, for
/// the sign-in form, the token of its `csrftoken` cookie).
struct FormCheck: Sendable {
    static let defaultLimit = 64 * 1024

    /// The form's fields, once the request has proved it comes from one of our pages.
    static func read(_ request: Request, visit: Visit, limit: Int = defaultLimit) async throws -> FormBody {
        try checkOrigin(request)
        let form = try await FormBody.read(request, limit: limit)
        let expected = visit.session?.csrfToken ?? visit.signInToken
        guard let expected, let sent = form["csrf_token"], Token.constantTimeEquals(sent, expected) else {
            throw PageError(.forbidden, "This form has expired or did not come from this server (CSRF token missing or wrong): reload the page and try again.")
        }
        return form
    }

    /// A browser names the page's origin on every POST; when it does, it must be ours.
    private static func checkOrigin(_ request: Request) throws {
        guard let origin = request.headers[.origin] else { return }
        guard let host = request.head.authority,
              origin == "http://\(host)" || origin == "https://\(host)"
        else {
            throw PageError(.forbidden, "This form was sent from another site (\(origin)); it was refused.")
        }
    }
}
