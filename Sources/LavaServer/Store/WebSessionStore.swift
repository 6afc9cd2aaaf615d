import SQLKit

/// A signed-in visitor of the pages.
struct WebSession: Sendable, Equatable {
    var user: UserRecord
    /// What every form of this session sends back as `csrf_token`.
    var csrfToken: String
}

/// `web_sessions`: one row per sign-in, found by the hash of the cookie's value.
enum WebSessionStore {
    static func insert(_ db: any SQLDatabase, tokenHash: String, user: String, csrfToken: String, expires: Double, now: Double) async throws {
        // Each sign-in clears the ended sessions, so the table holds only live ones.
        try await db.raw("DELETE FROM web_sessions WHERE expires <= \(bind: now)").run()
        try await db.raw("""
            INSERT INTO web_sessions (token_hash, user_name, csrf_token, expires)
            VALUES (\(bind: tokenHash), \(bind: user), \(bind: csrfToken), \(bind: expires))
            """).run()
    }

    static func find(_ db: any SQLDatabase, tokenHash: String, now: Double) async throws -> WebSession? {
        guard let row = try await db.raw("""
            SELECT s.token_hash, s.csrf_token, u.name, u.is_admin FROM web_sessions s JOIN users u ON u.name = s.user_name
            WHERE s.token_hash = \(bind: tokenHash) AND s.expires > \(bind: now)
            """).first(),
            Token.constantTimeEquals(try row.decode(column: "token_hash", as: String.self), tokenHash)
        else { return nil }
        return WebSession(
            user: UserRecord(name: try row.decode(column: "name", as: String.self), isAdmin: try row.decode(column: "is_admin", as: Int.self) != 0),
            csrfToken: try row.decode(column: "csrf_token", as: String.self)
        )
    }

    static func delete(_ db: any SQLDatabase, tokenHash: String) async throws {
        try await db.raw("DELETE FROM web_sessions WHERE token_hash = \(bind: tokenHash)").run()
    }
}
