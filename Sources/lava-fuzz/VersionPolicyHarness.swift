import LavaCore

/// The admin's version-policy setting: any text gives a policy or an error, and a policy reads
/// back from its own description unchanged.
enum VersionPolicyHarness {
    static let harness = Harness(name: "version-policy") { input in
        guard let policy = try? VersionPolicy(parsing: String(decoding: input, as: UTF8.self)) else { return }
        let again = try? VersionPolicy(parsing: policy.description)
        let normalized: VersionPolicy = policy == .accept([]) ? .exact : policy
        expect(again == normalized, "\(policy) is written as '\(policy.description)', which reads back as \(String(describing: again))")
    }
}
