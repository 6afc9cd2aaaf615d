import LavaCore
import SQLKit

/// Server-wide settings shared by every instance (they live in the database, not in flags, so
/// instances behind a load balancer agree).
enum SettingsStore {
    static let versionPolicy = "version_policy"
    /// The announced next version (UpgradePlan); empty: none.
    static let nextVersion = "next_version"
    /// The expected worker-image digests, `VERSION DIGEST` lines (UpgradePlan).
    static let imageDigests = "image_digests"

    /// The upgrade plan from its two settings.
    static func upgradePlan(_ db: any SQLDatabase) async throws -> UpgradePlan {
        UpgradePlan(nextSetting: try await get(db, nextVersion), digestsSetting: try await get(db, imageDigests))
    }

    static func get(_ db: any SQLDatabase, _ name: String) async throws -> String? {
        try await db.raw("SELECT value FROM settings WHERE name = \(bind: name)").first()?.decode(column: "value", as: String.self)
    }

    static func set(_ db: any SQLDatabase, _ name: String, _ value: String) async throws {
        try await db.raw("""
            INSERT INTO settings (name, value) VALUES (\(bind: name), \(bind: value))
            ON CONFLICT (name) DO UPDATE SET value = \(bind: value)
            """).run()
    }
}
