import Foundation
@testable import LavaServer
import LavaCore
import Testing

/// `lava-server version-policy --next/--next-digest/--digest`: the version answer and the event.
@Suite struct NextVersionTests {
    static let digest = "sha256:" + String(repeating: "a", count: 64)
    static let nextDigest = "sha256:" + String(repeating: "b", count: 64)

    @Test("the next version and the digests are in the version answer, and announced on the event stream; withdrawn, the answer is LAVA's again",
          arguments: Backend.all)
    func announced(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let version = server.server.configuration.version
            try await server.live { client in
                let events = try await EventClient.connect(port: try #require(client.port), server: server.server)
                defer { events.stop() }
                let plan = try UpgradePlan().changed(next: .set("2027.01"), nextDigest: .set(Self.nextDigest), digest: .set(Self.digest),
                                                     server: version)
                try await server.inventory.setVersionSettings(policy: nil, plan: plan, server: version)
                let announcement = try #require(try await events.next(1).first)
                #expect(announcement.topic == "org.lavasoftware.event")
                #expect(announcement.username == "lavaserver")
                #expect(announcement.data["message"] as? String == "next version")
                #expect(announcement.data["version"] as? String == version)
                #expect(announcement.data["next_version"] as? String == "2027.01")
                #expect(announcement.data["next_digest"] as? String == Self.nextDigest)
                #expect(announcement.data["digest"] as? String == Self.digest)

                let answer = try await client.rest(.get, "/api/v0.2/system/version/", token: nil)
                #expect(answer.text == #"{"digest":"\#(Self.digest)","next_digest":"\#(Self.nextDigest)","next_version":"2027.01","version":"\#(version)"}"#)

                // The same plan again announces nothing; withdrawing it does.
                try await server.inventory.setVersionSettings(policy: nil, plan: plan, server: version)
                let withdrawn = try plan.changed(next: .clear, digest: .clear, server: version)
                #expect(withdrawn == UpgradePlan())
                try await server.inventory.setVersionSettings(policy: nil, plan: withdrawn, server: version)
                let second = try #require(try await events.next(1).first)
                #expect(second.data["next_version"] is NSNull, "\(second.data)")
                #expect(try await server.inventory.upgradePlan() == UpgradePlan())
            }
        }
    }

    @Test("a server restarted at the announced version answers that version's digest as its own, and no next version")
    func arrived() throws {
        let plan = UpgradePlan(next: "2027.01", digests: ["2026.11": Self.digest, "2027.01": Self.nextDigest])
        #expect(VersionResponse(version: "2026.11", policy: .exact, plan: plan)
            == VersionResponse(version: "2026.11", nextVersion: "2027.01", nextDigest: Self.nextDigest, digest: Self.digest))
        #expect(VersionResponse(version: "2027.01", policy: .exact, plan: plan) == VersionResponse(version: "2027.01", digest: Self.nextDigest))
        #expect(VersionResponse(version: "2027.01", policy: .exact, plan: UpgradePlan()) == VersionResponse(version: "2027.01"))
    }

    @Test("lava-server version-policy --next/--next-digest/--digest: set, shown, refused with a reason and nothing stored, withdrawn")
    func commandLine() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lava-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = ["--data-dir", directory.path, "--config-dir", directory.appendingPathComponent("etc").path]
        let environment = ["LAVA_VERSION": "2026.11"]
        func run(_ arguments: [String]) async throws -> (status: Int32, output: String, error: String) {
            try await ServerProcess.run(["version-policy"] + arguments + storage, environment: environment)
        }
        #expect(try await run([]).output == "exact\n")
        let set = try await run(["--next", "2027.01", "--next-digest", Self.nextDigest, "--digest", Self.digest])
        #expect(set.status == 0, "\(set.error)")
        #expect(set.output == """
            exact
            next version: 2027.01
            next version's image digest: \(Self.nextDigest)
            image digest of 2026.11: \(Self.digest)

            """)
        #expect(try await run([]).output == set.output)

        for (arguments, message) in [
            (["2026.10", "--next", "2027 01"], "--next '2027 01' is not a LAVA version"),
            (["--next", "2027.04", "--next-digest", "sha256:ABC"], "--next-digest 'sha256:ABC' is not an image digest"),
            (["--digest", "md5:x"], "--digest 'md5:x' is not an image digest"),
            (["--no-next", "--next-digest", Self.digest], "--next-digest with --no-next"),
            (["--next", "2027.04", "--no-next"], "--next and --no-next contradict each other"),
        ] {
            let refused = try await run(arguments)
            #expect(refused.status != 0, "\(arguments)")
            #expect(refused.error.contains(message), "\(arguments): \(refused.error)")
        }
        #expect(try await run([]).output == set.output, "a refused change stored something")

        let withdrawn = try await run(["--no-next", "2026.10"])
        #expect(withdrawn.output == "2026.10\nimage digest of 2026.11: \(Self.digest)\n", "\(withdrawn.error)")
        #expect(try await run(["--no-digest"]).output == "2026.10\n")
        #expect(try await run(["--no-next-digest"]).output == "2026.10\n")
        let help = try await ServerProcess.run(["version-policy", "--help"])
        for option in ["--next <version>", "--no-next", "--next-digest <sha256:hex>", "--no-next-digest", "--digest <sha256:hex>", "--no-digest"] {
            #expect(help.output.contains(option), "\(option): \(help.output)")
        }
    }
}
