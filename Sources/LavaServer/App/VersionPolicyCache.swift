import Foundation
import LavaCore
import Synchronization

/// The admin's worker-version policy, read from the shared settings at most every few seconds:
/// every ping consults it, and a change made on one instance reaches the others quickly.
final class VersionPolicyCache: Sendable {
    private let database: any Database
    private let ttl: Double
    private let cached = Mutex<(policy: VersionPolicy, fetched: Double)?>(nil)

    init(database: any Database, ttl: Double = 5) {
        self.database = database
        self.ttl = ttl
    }

    func current() async throws -> VersionPolicy {
        let now = Date().timeIntervalSince1970
        if let entry = cached.withLock({ $0 }), now - entry.fetched < ttl {
            return entry.policy
        }
        let text = try await database.read { try await SettingsStore.get($0, SettingsStore.versionPolicy) }
        let policy = (try? VersionPolicy(parsing: text ?? "exact")) ?? .exact
        cached.withLock { $0 = (policy, now) }
        return policy
    }
}
