import Foundation
import LavaTestSupport
import Testing
@testable import LavaDispatcher

/// Git repositories and job fields crafted to make lava-run write, read or run something on the
/// worker host: symlinks in the repository, options and command transports handed to git.
@Suite struct HostileRepositoryTests {
    private let definition = """
    metadata: {format: Lava-Test Test Definition 1.0, name: smoke}
    run: {steps: [lava-test-case one --result pass]}
    """
    private let secret = "root:$6$not-for-the-log:19000:0:99999:7:::"

    private func source(_ yaml: String) throws -> TestDefinitionSource {
        try #require(try TestDefinitionSource.list(fromTestAction: "definitions: [\(yaml)]").first)
    }

    /// A committed repository at `temp/repo` with `files` and `links` (name → symlink target).
    private func repository(in temp: TemporaryDirectory, files: [String: String], links: [String: String]) throws -> URL {
        let repository = temp.url.appendingPathComponent("repo")
        for (name, text) in files { try temp.write(text, to: "repo/\(name)") }
        for (name, target) in links {
            let link = repository.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: target)
        }
        let identity = ["GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"]
        try shell(["git", "init", "-q", "-b", "main"], in: repository)
        try shell(["git", "add", "."], in: repository)
        try shell(["git", "commit", "-q", "-m", "hostile"], in: repository, environment: identity)
        return repository
    }

    /// A host file outside every job directory, mode 600.
    private func hostFile(_ name: String, in temp: TemporaryDirectory, _ text: String) throws -> URL {
        try temp.write(text, to: "host/\(name)")
        let url = temp.url.appendingPathComponent("host/\(name)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        return url
    }

    private func permissions(_ url: URL) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
    }

    @Test func overlayFilesReplaceRepositorySymlinksInsteadOfWritingThroughThem() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        var links: [String: String] = [:]
        var victims: [URL] = []
        for name in ["testdef.yaml", "uuid", "testdef_metadata", "install.sh", "run.sh"] {
            let victim = try hostFile(name, in: temp, "host file \(name)\n")
            victims.append(victim)
            links[name] = victim.path
        }
        let repository = try repository(in: temp, files: ["smoke.yaml": definition], links: links)
        let overlay = Overlay(jobID: "7", directory: temp.url.appendingPathComponent("overlay/lava-7"))
        try overlay.writeBase(environment: TestShellEnvironment(jobID: "7", deviceType: "docker"))
        let entry = try source("{from: git, repository: '\(repository.path)', path: smoke.yaml, name: smoke}")
        let directory = try overlay.testDirectory(stage: 0, runName: entry.runName)
        let fetched = try await TestDefinitionFetcher().fetch(entry, into: directory)
        try overlay.writeStage(0, tests: [fetched])

        for victim in victims {
            #expect(try String(contentsOf: victim, encoding: .utf8) == "host file \(victim.lastPathComponent)\n")
            #expect(try permissions(victim) == 0o600, "\(victim.lastPathComponent) was chmod-ed")
            let written = directory.appendingPathComponent(victim.lastPathComponent)
            let type = try FileManager.default.attributesOfItem(atPath: written.path)[.type] as? FileAttributeType
            #expect(type == .typeRegular, "\(victim.lastPathComponent) is still a symlink")
        }
        #expect(try String(contentsOf: directory.appendingPathComponent("testdef.yaml"), encoding: .utf8) == definition)
        #expect(try permissions(directory.appendingPathComponent("run.sh")) == 0o755)
    }

    @Test(arguments: ["absolute", "relative", "directory"])
    func refusesADefinitionFileThatLinksOutside(kind: String) async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let shadow = try hostFile("shadow", in: temp, secret + "\n")
        let (links, path): ([String: String], String) = switch kind {
        case "absolute": (["testdef.yaml": shadow.path], "testdef.yaml")
        // From out/0_smoke, two levels up is the temporary directory.
        case "relative": (["testdef.yaml": "../../host/shadow"], "testdef.yaml")
        default: (["etc": shadow.deletingLastPathComponent().path], "etc/shadow")
        }
        let repository = try repository(in: temp, files: ["smoke.yaml": definition], links: links)
        let entry = try source("{from: git, repository: '\(repository.path)', path: '\(path)', name: smoke}")
        await #expect {
            _ = try await TestDefinitionFetcher().fetch(entry, into: temp.url.appendingPathComponent("out/0_smoke"))
        } throws: { error in
            guard case .invalidTestDefinitionFile(name: "smoke", path: path, let problem) = error as? TestDefinitionError
            else { return false }
            return problem.contains("symlink") && !"\(error)".contains("not-for-the-log")
        }
    }

    @Test func followsSymlinksThatStayInsideTheRepository() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let repository = try repository(in: temp, files: ["real/smoke.yaml": definition],
                                        links: ["testdef.yaml": "real/smoke.yaml", "alias": "real"])
        for path in ["testdef.yaml", "alias/smoke.yaml"] {
            let entry = try source("{from: git, repository: '\(repository.path)', path: '\(path)', name: smoke}")
            let fetched = try await TestDefinitionFetcher().fetch(entry, into: temp.url.appendingPathComponent("out/\(path.count)"))
            #expect(fetched.file.text == definition)
        }
    }

    @Test func refusesAPathOrNameThatCouldLeaveTheDirectory() {
        func problem(_ yaml: String) -> String {
            do {
                _ = try TestDefinitionSource.list(fromTestAction: "definitions: [\(yaml)]")
                return "accepted"
            } catch {
                return error.description
            }
        }
        let inline = "from: inline, repository: {metadata: {name: a}}"
        #expect(problem("{\(inline), name: a, path: \"a\\0b.yaml\"}").contains("'path"))
        #expect(problem("{\(inline), name: a, path: \"a\\0b.yaml\"}").contains("NUL"))
        #expect(problem("{\(inline), name: a, path: ./}").contains("'path"))
        #expect(problem("{\(inline), name: a, path: /etc/passwd}").contains("'path"))
        #expect(problem("{\(inline), name: a, path: a/../../b}").contains("'path"))
        #expect(problem("{\(inline), name: \"a/b\", path: a.yaml}").contains("'name"))
    }

    /// The error that reading and fetching the entry ends with, as the job log would show it.
    private func failure(_ yaml: String, into directory: URL) async -> String {
        do {
            _ = try await TestDefinitionFetcher().fetch(try source(yaml), into: directory)
            return "fetched"
        } catch {
            return "\(error)"
        }
    }

    @Test func anOptionAsRevisionIsRefusedAndNoFileReachesTheLog() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let shadow = try hostFile("shadow", in: temp, secret + "\n")
        let repository = try repository(in: temp, files: ["smoke.yaml": definition], links: [:])
        let yaml = "{from: git, repository: '\(repository.path)', path: smoke.yaml, name: smoke, revision: '--pathspec-from-file=\(shadow.path)'}"
        let text = await failure(yaml, into: temp.url.appendingPathComponent("out/0_smoke"))
        #expect(text.contains("'revision"), "\(text)")
        #expect(!text.contains("not-for-the-log"), "\(text)")
    }

    @Test(arguments: [
        ("branch", "--upload-pack=touch /tmp/x"),
        ("revision", "-q"),
        ("repository", "--upload-pack=touch /tmp/x"),
        ("repository", "ext::sh -c touch% PWNED"),
        ("repository", "fd::3"),
        ("repository", "hg::https://example.org/x"),
    ])
    func refusesGitOptionsAndCommandTransports(field: String, value: String) async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let pwned = temp.url.appendingPathComponent("pwned")
        let value = value.replacingOccurrences(of: "PWNED", with: pwned.path)
        var fields = ["repository": "https://git.example.org/tests.git", "path": "smoke.yaml", "name": "smoke"]
        fields[field] = value
        let yaml = "{from: git, " + fields.sorted { $0.key < $1.key }.map { "\($0.key): '\($0.value)'" }.joined(separator: ", ") + "}"
        let text = await failure(yaml, into: temp.url.appendingPathComponent("out/0_smoke"))
        #expect(text.hasPrefix("test definition 0: '\(field)"), "\(text)")
        #expect(!FileManager.default.fileExists(atPath: pwned.path))
    }

    /// Even if a command transport got past the entry's checks, git is run so that it refuses it.
    @Test func gitItselfRefusesTheExtTransport() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let pwned = temp.url.appendingPathComponent("pwned")
        let git = TestDefinitionSource.GitOrigin(repository: "ext::sh -c touch% \(pwned.path)", branch: nil, revision: nil,
                                                 history: true, shallow: true, recursive: false)
        await #expect(throws: TestDefinitionError.self) {
            _ = try await GitFetcher().fetch(git, name: "smoke", into: temp.url.appendingPathComponent("out"))
        }
        #expect(!FileManager.default.fileExists(atPath: pwned.path))
    }
}
