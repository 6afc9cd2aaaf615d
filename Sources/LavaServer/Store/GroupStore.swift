import SQLKit

/// Groups of users, for jobs with `visibility: {group: [...]}` (LAVA: Django's auth groups).
enum GroupStore {
    static func insert(_ db: any SQLDatabase, name: String) async throws {
        try await db.raw("INSERT INTO user_groups (name) VALUES (\(bind: name))").run()
    }

    static func exists(_ db: any SQLDatabase, name: String) async throws -> Bool {
        try await db.raw("SELECT name FROM user_groups WHERE name = \(bind: name)").first() != nil
    }

    /// Which of `names` are groups, in the order given.
    static func known(_ db: any SQLDatabase, among names: [String]) async throws -> [String] {
        var found: [String] = []
        for name in names where !found.contains(name) {
            if try await exists(db, name: name) { found.append(name) }
        }
        return found
    }

    static func addMember(_ db: any SQLDatabase, group: String, user: String) async throws {
        try await db.raw("""
            INSERT INTO user_group_members (group_name, user_name) VALUES (\(bind: group), \(bind: user))
            ON CONFLICT (group_name, user_name) DO NOTHING
            """).run()
    }

    static func removeMember(_ db: any SQLDatabase, group: String, user: String) async throws {
        try await db.raw("DELETE FROM user_group_members WHERE group_name = \(bind: group) AND user_name = \(bind: user)").run()
    }

    static func groups(_ db: any SQLDatabase, of user: String) async throws -> [String] {
        try await db.raw("SELECT group_name FROM user_group_members WHERE user_name = \(bind: user) ORDER BY group_name").all()
            .map { try $0.decode(column: "group_name", as: String.self) }
    }

    /// Every group with its members.
    static func all(_ db: any SQLDatabase) async throws -> [(name: String, members: [String])] {
        let names = try await db.raw("SELECT name FROM user_groups ORDER BY name").all()
            .map { try $0.decode(column: "name", as: String.self) }
        var groups: [(name: String, members: [String])] = []
        for name in names {
            let members = try await db.raw("SELECT user_name FROM user_group_members WHERE group_name = \(bind: name) ORDER BY user_name").all()
                .map { try $0.decode(column: "user_name", as: String.self) }
            groups.append((name, members))
        }
        return groups
    }
}
