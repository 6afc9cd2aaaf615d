import Foundation
import HTTPTypes
import Hummingbird
import LavaCore

/// Sign-in with a user's name and API token, kept as a session cookie (Django's `sessionid`):
/// HttpOnly, SameSite=Lax, Secure over https, ending after `lifetime`. Only the cookie's hash is
/// stored. The REST API never reads this cookie: its writes take `Authorization: Token`, so a
/// page of another site cannot make them in a visitor's name.
struct WebSessions: Sendable {
    let server: Server

    static let cookieName = "sessionid"
    /// The sign-in form's own token (there is no session yet to hold one).
    static let signInCookieName = "csrftoken"
    static let lifetime = 12 * 3600
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!

    func visit(_ request: Request, _ context: LavaRequestContext) async throws -> Visit {
        var visit = Visit(session: nil, sessionTokenHash: nil, secure: isSecure(request, context),
                          signInToken: request.cookies[Self.signInCookieName]?.value)
        if let value = request.cookies[Self.cookieName]?.value, !value.isEmpty, value.utf8.count <= 64 {
            let hash = Token.hash(value)
            let now = server.now()
            visit.session = try await server.database.read { try await WebSessionStore.find($0, tokenHash: hash, now: now) }
            visit.sessionTokenHash = visit.session == nil ? nil : hash
        }
        return visit
    }

    /// https as told by a `--trusted-proxy` (haproxy ends TLS and says so in X-Forwarded-Proto);
    /// anyone else's header is ignored.
    private func isSecure(_ request: Request, _ context: LavaRequestContext) -> Bool {
        guard let peer = context.remoteAddress?.ipAddress,
              server.configuration.trustedProxies.contains(where: { $0.contains(peer) })
        else { return false }
        return request.headers[Self.forwardedProto]?.lowercased() == "https"
    }

    /// A new session for `user`: its cookie, to be set on the answer.
    func signIn(_ user: UserRecord, visit: Visit) async throws -> Cookie {
        let value = Token.generate()
        let now = server.now()
        let csrf = Token.generate()
        try await server.database.write { db in
            try await WebSessionStore.insert(db, tokenHash: Token.hash(value), user: user.name, csrfToken: csrf,
                                             expires: now + Double(Self.lifetime), now: now)
        }
        return Self.cookie(Self.cookieName, value, maxAge: Self.lifetime, secure: visit.secure)
    }

    func signOut(_ visit: Visit) async throws -> Cookie {
        if let hash = visit.sessionTokenHash {
            try await server.database.write { try await WebSessionStore.delete($0, tokenHash: hash) }
        }
        return Self.cookie(Self.cookieName, "", maxAge: 0, secure: visit.secure)
    }

    /// The sign-in form's token and, when the visitor has none yet, the cookie that holds it.
    static func signInToken(_ visit: Visit) -> (token: String, cookie: Cookie?) {
        if let token = visit.signInToken, token.utf8.count == 32 { return (token, nil) }
        let token = Token.generate()
        return (token, cookie(signInCookieName, token, maxAge: lifetime, secure: visit.secure))
    }

    static func cookie(_ name: String, _ value: String, maxAge: Int, secure: Bool) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}
