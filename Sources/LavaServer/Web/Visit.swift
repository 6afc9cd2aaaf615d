import Hummingbird

/// Who is looking at a page: the signed-in user's session if any, and whether the request came
/// over https, which decides the cookies' Secure flag.
struct Visit: Sendable {
    var session: WebSession?
    /// The hash of the session cookie, to end the session on sign-out.
    var sessionTokenHash: String? = nil
    var secure: Bool
    /// The sign-in form's token cookie (`csrftoken`), for a visitor not yet signed in.
    var signInToken: String?

    var user: UserRecord? { session?.user }
    var isAdmin: Bool { session?.user.isAdmin == true }

    /// What the layout shows about the visitor.
    var layoutValues: [String: Any] {
        var values: [String: Any] = [:]
        if let session {
            values["user"] = ["name": session.user.name, "admin": session.user.isAdmin] as [String: Any]
            values["csrf"] = session.csrfToken
        }
        return values
    }
}
