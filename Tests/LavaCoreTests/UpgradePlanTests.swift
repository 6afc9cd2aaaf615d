import Foundation
import LavaCore
import Testing

/// `version-policy --next/--next-digest/--digest`: what is checked, what is kept, what is stored.
@Suite struct UpgradePlanTests {
    static let a = "sha256:" + String(repeating: "a", count: 64)
    static let b = "sha256:" + String(repeating: "b", count: 64)

    @Test("the next version and its digest, the current digest; the answer names the next one only before it has come")
    func answer() throws {
        let plan = try UpgradePlan().changed(next: .set("2027.01"), nextDigest: .set(Self.b), digest: .set(Self.a), server: "2026.11")
        #expect(plan == UpgradePlan(next: "2027.01", digests: ["2026.11": Self.a, "2027.01": Self.b]))
        #expect(plan.answer(server: "2026.11") == ("2027.01", Self.b, Self.a))
        #expect(plan.answer(server: "2027.01") == (nil, nil, Self.b))
        #expect(plan.lines(server: "2026.11") == ["next version: 2027.01", "next version's image digest: \(Self.b)",
                                                  "image digest of 2026.11: \(Self.a)"])
        #expect(UpgradePlan().lines(server: "2026.11") == [])
    }

    @Test("withdrawn or replaced, the next version takes its digest with it; this server's stays")
    func withdraw() throws {
        let plan = UpgradePlan(next: "2027.01", digests: ["2026.11": Self.a, "2027.01": Self.b])
        #expect(try plan.changed(next: .clear, server: "2026.11") == UpgradePlan(digests: ["2026.11": Self.a]))
        #expect(try plan.changed(next: .set("2027.04"), server: "2026.11") == UpgradePlan(next: "2027.04", digests: ["2026.11": Self.a]))
        #expect(try plan.changed(nextDigest: .clear, server: "2026.11") == UpgradePlan(next: "2027.01", digests: ["2026.11": Self.a]))
        #expect(try plan.changed(digest: .clear, server: "2026.11") == UpgradePlan(next: "2027.01", digests: ["2027.01": Self.b]))
        // Once this lava-server runs the version that was next, its digest is this server's own.
        #expect(try plan.changed(next: .clear, server: "2027.01") == UpgradePlan(digests: ["2027.01": Self.b]))
    }

    @Test("versions: LAVA's forms pass; spaces, control characters, empty and overlong ones are refused and say how to write one",
          arguments: ["2027.01", "2026.07.dev0028", "2022.01.3", "2026.07+dev28"])
    func goodVersions(_ version: String) throws {
        #expect(try UpgradePlan.checked(version: version) == version)
    }

    @Test(arguments: ["", "2027 01", "2027.01\n", "\u{1b}[31m", ".2027", "-x", "2027/01", String(repeating: "1", count: 129)])
    func badVersions(_ version: String) {
        #expect(throws: VersionPolicyError.self) { try UpgradePlan.checked(version: version, option: "--next") }
        do {
            _ = try UpgradePlan.checked(version: version, option: "--next")
        } catch {
            #expect(error.description.hasPrefix("--next '"))
            #expect(error.description.contains("e.g. 2027.01"))
            #expect(!error.description.contains("\u{1b}") && !error.description.contains("\n"), "\(error)")
        }
    }

    @Test(arguments: ["sha256:" + String(repeating: "A", count: 64), "sha256:abc", String(repeating: "a", count: 64),
                      "sha512:" + String(repeating: "a", count: 128), Self.a + "0", "sha256:" + String(repeating: "g", count: 64)])
    func badDigests(_ digest: String) {
        #expect(throws: VersionPolicyError.self) { try UpgradePlan.checked(digest: digest) }
    }

    @Test("a next digest needs a next version; nothing is changed when a value is refused")
    func refusals() throws {
        #expect(throws: VersionPolicyError.self) { try UpgradePlan().changed(nextDigest: .set(Self.a), server: "2026.11") }
        #expect(throws: VersionPolicyError.self) {
            try UpgradePlan().changed(next: .set("2027.01"), nextDigest: .set("sha256:bad"), server: "2026.11")
        }
        #expect(try UpgradePlan(next: "2027.01").changed(nextDigest: .set(Self.a), server: "2026.11")
            == UpgradePlan(next: "2027.01", digests: ["2027.01": Self.a]))
    }

    @Test("stored and read back; damaged lines cost their digest only")
    func settings() {
        let plan = UpgradePlan(next: "2027.01", digests: ["2026.11": Self.a, "2027.01": Self.b])
        #expect(plan.digestsSetting == "2026.11 \(Self.a)\n2027.01 \(Self.b)")
        #expect(UpgradePlan(nextSetting: "2027.01", digestsSetting: plan.digestsSetting) == plan)
        #expect(UpgradePlan(nextSetting: "", digestsSetting: "") == UpgradePlan())
        #expect(UpgradePlan(nextSetting: nil, digestsSetting: "2026.11 sha256:x\nnonsense\n2027.01 \(Self.b)")
            == UpgradePlan(digests: ["2027.01": Self.b]))
    }

    @Test("the version answer: LAVA's own when nothing is set, the extra fields only when they are")
    func wire() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let plain = VersionResponse(version: "2026.11", policy: .exact, plan: UpgradePlan())
        #expect(String(decoding: try encoder.encode(plain), as: UTF8.self) == #"{"version":"2026.11"}"#)
        let announced = VersionResponse(version: "2026.11", policy: .exact, plan: UpgradePlan(next: "2027.01"))
        #expect(String(decoding: try encoder.encode(announced), as: UTF8.self) == #"{"next_version":"2027.01","version":"2026.11"}"#)
        let decoded = try JSONDecoder().decode(VersionResponse.self, from: Data(#"{"version":"2026.11","next_version":"2027.01","next_digest":"\#(Self.b)"}"#.utf8))
        #expect(decoded.expectedDigest(of: "2027.01") == Self.b)
        #expect(decoded.expectedDigest(of: "2026.11") == nil)
    }
}
