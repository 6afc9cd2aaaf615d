import Testing
import LavaCore

@Suite struct VersionPolicyTests {
    @Test func exactComparesStringsLikeLAVA() {
        #expect(VersionPolicy.exact.accepts(worker: "2023.01", server: "2023.01"))
        #expect(!VersionPolicy.exact.accepts(worker: "2023.01", server: "2023.01.1"))
        #expect(!VersionPolicy.exact.accepts(worker: "2023.01 ", server: "2023.01"))
    }

    @Test func acceptListAddsVersions() {
        let policy = VersionPolicy.accept(["2023.01", "2024.09"])
        #expect(policy.accepts(worker: "2025.02", server: "2025.02"))
        #expect(policy.accepts(worker: "2023.01", server: "2025.02"))
        #expect(policy.accepts(worker: "2024.09", server: "2025.02"))
        #expect(!policy.accepts(worker: "2024.10", server: "2025.02"))
    }

    @Test(arguments: [
        ("exact", VersionPolicy.exact),
        ("  exact ", VersionPolicy.exact),
        ("2023.01", VersionPolicy.accept(["2023.01"])),
        ("2023.01, 2024.09,2025.02", VersionPolicy.accept(["2023.01", "2024.09", "2025.02"])),
        ("2023.01, 2023.01", VersionPolicy.accept(["2023.01"])),
    ])
    func parsesTheSetting(text: String, policy: VersionPolicy) throws {
        #expect(try VersionPolicy(parsing: text) == policy)
        #expect(try VersionPolicy(parsing: policy.description) == policy)
    }

    @Test func describesItself() {
        #expect(VersionPolicy.exact.description == "exact")
        #expect(VersionPolicy.accept(["2023.01", "2024.09"]).description == "2023.01, 2024.09")
        #expect(VersionPolicy.accept([]).description == "exact")
    }

    @Test(arguments: [
        ("", "has an empty entry"),
        ("2023.01,,2024.09", "has an empty entry"),
        ("2023.01,", "has an empty entry"),
        ("2023.01 2024.09", "contains a space"),
    ])
    func rejectsMalformedSettings(text: String, expected: String) {
        let error = #expect(throws: VersionPolicyError.self) { try VersionPolicy(parsing: text) }
        #expect(error?.description.contains(expected) == true, "got: \(error?.description ?? "no error")")
    }
}
