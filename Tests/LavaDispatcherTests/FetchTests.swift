import Foundation
import LavaTestSupport
import Testing
@testable import LavaDispatcher

@Suite struct FetchTests {
    private let definition = """
    metadata: {format: Lava-Test Test Definition 1.0, name: smoke}
    run: {steps: [lava-test-case one --result pass]}
    """

    private func source(_ yaml: String) throws -> TestDefinitionSource {
        try #require(try TestDefinitionSource.list(fromTestAction: "definitions: [\(yaml)]").first)
    }

    @Test func clonesAGitRepositoryAndRecordsTheCommit() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let repository = temp.url.appendingPathComponent("repo")
        try temp.write(definition, to: "repo/tests/smoke.yaml")
        let git = ["GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                   "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"]
        try shell(["git", "init", "-q", "-b", "main"], in: repository)
        try shell(["git", "add", "."], in: repository)
        try shell(["git", "commit", "-q", "-m", "first"], in: repository, environment: git)
        let first = try shell(["git", "rev-parse", "HEAD"], in: repository).output.trimmingCharacters(in: .whitespacesAndNewlines)
        try temp.write(definition + "\n# second\n", to: "repo/tests/smoke.yaml")
        try shell(["git", "commit", "-q", "-am", "second"], in: repository, environment: git)
        let second = try shell(["git", "rev-parse", "HEAD"], in: repository).output.trimmingCharacters(in: .whitespacesAndNewlines)

        let head = try source("{from: git, repository: 'file://\(repository.path)', path: tests/smoke.yaml, name: smoke, branch: main}")
        let fetched = try await TestDefinitionFetcher().fetch(head, into: temp.url.appendingPathComponent("out/0_smoke"))
        #expect(fetched.commitID == second)
        #expect(fetched.file.runSteps == ["lava-test-case one --result pass"])
        #expect(FileManager.default.fileExists(atPath: temp.url.appendingPathComponent("out/0_smoke/.git").path))

        let pinned = try source("{from: git, repository: '\(repository.path)', path: tests/smoke.yaml, name: smoke, revision: \(first), history: false}")
        let old = try await TestDefinitionFetcher().fetch(pinned, into: temp.url.appendingPathComponent("out/1_smoke"))
        #expect(old.commitID == first)
        #expect(!old.file.text.contains("second"))
        #expect(!FileManager.default.fileExists(atPath: temp.url.appendingPathComponent("out/1_smoke/.git").path))
        #expect(TestRunDescription(old).revision == first)
    }

    @Test func reportsAnUnreachableRepositoryWithGitsMessage() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let missing = try source("{from: git, repository: '\(temp.url.path)/nowhere', path: t.yaml, name: gone}")
        await #expect {
            _ = try await TestDefinitionFetcher().fetch(missing, into: temp.url.appendingPathComponent("out"))
        } throws: { error in
            let text = "\(error)"
            return text.contains("test definition 'gone': cloning") && text.contains("does not exist")
        }
    }

    @Test func writesAnInlineDefinition() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let inline = try source("{from: inline, name: smoke, path: inline/smoke.yaml, repository: {metadata: {name: smoke}, run: {steps: [echo hi]}}}")
        let fetched = try await TestDefinitionFetcher().fetch(inline, into: temp.url.appendingPathComponent("t"))
        #expect(fetched.file.runSteps == ["echo hi"])
        #expect(FileManager.default.fileExists(atPath: temp.url.appendingPathComponent("t/inline/smoke.yaml").path))
        #expect(fetched.commitID == nil)
    }

    @Test func missingDefinitionFileIsNamed() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        var tar = TarBuilder()
        tar.file("other.yaml", definition)
        try await FileServer.run(files: ["t.tar": tar.finished()]) { base in
            let entry = try source("{from: url, repository: '\(base)/t.tar', path: smoke.yaml, name: smoke}")
            await #expect(throws: TestDefinitionError.invalidTestDefinitionFile(
                name: "smoke", path: "smoke.yaml", "does not exist in \(base)/t.tar: check 'path'")) {
                _ = try await TestDefinitionFetcher().fetch(entry, into: temp.url.appendingPathComponent("t"))
            }
        }
    }

    @Test(arguments: [("gz", ["gzip", "-c"]), ("bz2", ["bzip2", "-c"]), ("xz", ["xz", "-c"])])
    func extractsCompressedArchivesServedOverHTTP(compression: String, compressor: [String]) async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        try temp.write(definition, to: "src/top/smoke.yaml")
        try temp.write("#!/bin/sh\n", to: "src/top/scripts/run.sh")
        try shell(["tar", "-C", temp.url.appendingPathComponent("src").path, "-cf", temp.url.appendingPathComponent("t.tar").path, "."])
        let compressed = try shell(["sh", "-c", "\(compressor.joined(separator: " ")) t.tar > t.tar.\(compression)"], in: temp.url)
        #expect(compressed.status == 0)
        let archive = try Data(contentsOf: temp.url.appendingPathComponent("t.tar.\(compression)"))
        try await FileServer.run(files: ["t.tar.\(compression)": archive]) { base in
            let url = "\(base)/t.tar.\(compression)"
            // `./top/...`: "." counts as a component for tar, so two are stripped.
            let explicit = try source("{from: url, repository: '\(url)', compression: \(compression), strip-components: 2, path: smoke.yaml, name: smoke}")
            let fetched = try await TestDefinitionFetcher().fetch(explicit, into: temp.url.appendingPathComponent("a"))
            #expect(fetched.file.runSteps == ["lava-test-case one --result pass"])
            #expect(FileManager.default.fileExists(atPath: temp.url.appendingPathComponent("a/scripts/run.sh").path))

            let detected = try source("{from: url, repository: '\(url)', path: top/smoke.yaml, name: smoke}")
            _ = try await TestDefinitionFetcher().fetch(detected, into: temp.url.appendingPathComponent("b"))
            #expect(FileManager.default.fileExists(atPath: temp.url.appendingPathComponent("b/top/scripts/run.sh").path))

            let missing = try source("{from: url, repository: '\(base)/missing.tar.gz', path: smoke.yaml, name: smoke}")
            await #expect(throws: TestDefinitionError.fetchFailed(name: "smoke", "downloading \(base)/missing.tar.gz "
                + "failed: HTTP status 404; check the URL and any 'headers' it needs")) {
                _ = try await TestDefinitionFetcher().fetch(missing, into: temp.url.appendingPathComponent("c"))
            }
        }
    }

    @Test(arguments: [
        ("dotdot", "../evil", "has a '..' component"),
        ("absolute", "/tmp/evil", "has an absolute path"),
        ("symlink", "link", "is a symlink to '../../outside'"),
        ("absolute-symlink", "link", "is a symlink to the absolute path '/etc'"),
        // `up/..` looks inside, but `up` is the directory itself.
        ("symlink-chain", "dir", "is a symlink to 'up/..'"),
        ("hardlink", "hard", "is a hard link to '../outside'"),
    ])
    func refusesArchivesThatEscape(kind: String, member: String, reason: String) async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        var tar = TarBuilder()
        tar.file("smoke.yaml", definition)
        switch kind {
        case "dotdot": tar.file("../evil", "x")
        case "absolute": tar.file("/tmp/evil", "x")
        case "symlink":
            tar.directory("sub/")
            tar.symlink("link", to: "../../outside")
        case "absolute-symlink": tar.symlink("link", to: "/etc")
        case "symlink-chain":
            tar.symlink("up", to: ".")
            tar.symlink("dir", to: "up/..")
            tar.file("dir/evil", "x")
        default: tar.hardlink("hard", to: "../outside")
        }
        let target = temp.url.appendingPathComponent("tests/0_smoke")
        try await FileServer.run(files: ["t.tar": tar.finished()]) { base in
            let entry = try source("{from: url, repository: '\(base)/t.tar', path: smoke.yaml, name: smoke}")
            await #expect(throws: TestDefinitionError.unsafeArchiveMember(name: "smoke", member: member, reason: reason)) {
                _ = try await TestDefinitionFetcher().fetch(entry, into: target)
            }
        }
        // Nothing was extracted, inside or out.
        #expect(!FileManager.default.fileExists(atPath: target.path))
        #expect(!FileManager.default.fileExists(atPath: temp.url.appendingPathComponent("tests/evil").path))
        #expect(!FileManager.default.fileExists(atPath: temp.url.appendingPathComponent("evil").path))
    }

    @Test func acceptsLinksThatStayInside() throws {
        var tar = TarBuilder()
        tar.directory("lib/")
        tar.file("lib/a.sh", "x")
        tar.directory("bin/")
        tar.symlink("bin/a", to: "../lib/a.sh")
        tar.hardlink("b.sh", to: "lib/a.sh")
        let members = try TarListing.members(of: tar.finished())
        #expect(members.count == 5)
        #expect(members[3] == .init(name: "bin/a", kind: .symlink(target: "../lib/a.sh"), mode: 0o777))
        try ArchiveMemberCheck(stripComponents: 0).check(members)
        // Stripped one level, `../lib/a.sh` from `a` leads outside.
        #expect(throws: ArchiveMemberCheck.Refusal.self) { try ArchiveMemberCheck(stripComponents: 1).check(members) }
    }
}
