import SQLKit

public struct UserRecord: Sendable, Equatable {
    public var name: String
    public var isAdmin: Bool
}

enum UserStore {
    static func insert(_ db: any SQLDatabase, name: String, isAdmin: Bool, tokenHash: String, now: Double) async throws {
        try await db.raw("""
            INSERT INTO users (name, is_admin, token_hash, created)
            VALUES (\(bind: name), \(bind: isAdmin ? 1 : 0), \(bind: tokenHash), \(bind: now))
            """).run()
    }

    static func exists(_ db: any SQLDatabase, name: String) async throws -> Bool {
        try await db.raw("SELECT name FROM users WHERE name = \(bind: name)").first() != nil
    }

    /// The user owning an API token. Looked up by the token's hash, then compared in constant time.
    static func find(_ db: any SQLDatabase, token: String) async throws -> UserRecord? {
        let hash = Token.hash(token)
        guard let row = try await db.raw("SELECT name, is_admin, token_hash FROM users WHERE token_hash = \(bind: hash)").first(),
              Token.constantTimeEquals(try row.decode(column: "token_hash", as: String.self), hash)
        else { return nil }
        return UserRecord(
            name: try row.decode(column: "name", as: String.self),
            isAdmin: try row.decode(column: "is_admin", as: Int.self) != 0
        )
    }

    static func find(_ db: any SQLDatabase, name: String, token: String) async throws -> UserRecord? {
        guard let user = try await find(db, token: token), user.name == name else { return nil }
        return user
    }
}
