import Foundation
import LavaCore
import Synchronization

/// The admin's worker-version policy and upgrade plan, read from the shared settings at most
/// every few seconds: every ping consults the policy, and a change made on one instance reaches
/// the others quickly.
final class VersionPolicyCache: Sendable {
    private let database: any Database
    private let ttl: Double
    private let cached = Mutex<(policy: VersionPolicy, plan: UpgradePlan, fetched: Double)?>(nil)

    init(database: any Database, ttl: Double = 5) {
        self.database = database
        self.ttl = ttl
    }

    func current() async throws -> VersionPolicy {
        try await both().policy
    }

    /// The next version and the image digests (`GET /api/v0.2/system/version/` tells them).
    func plan() async throws -> UpgradePlan {
        try await both().plan
    }

    private func both() async throws -> (policy: VersionPolicy, plan: UpgradePlan) {
        let now = Date().timeIntervalSince1970
        if let entry = cached.withLock({ $0 }), now - entry.fetched < ttl {
            return (entry.policy, entry.plan)
        }
        let (text, plan) = try await database.read { db in
            (try await SettingsStore.get(db, SettingsStore.versionPolicy), try await SettingsStore.upgradePlan(db))
        }
        let policy = (try? VersionPolicy(parsing: text ?? "exact")) ?? .exact
        cached.withLock { $0 = (policy, plan, now) }
        return (policy, plan)
    }
}
