import Foundation
import LavaTestSupport
import Testing
@testable import LavaDispatcher

/// `from: url` archives built header by header so that each one is exactly an attack on the
/// check that runs before GNU tar extracts: headers tar applies to another member than a naive
/// reader does, ambiguous or unknown headers, and sizes meant to exhaust the worker.
@Suite struct CraftedArchiveTests {
    private static let definition = """
    metadata: {format: Lava-Test Test Definition 1.0, name: smoke}
    run: {steps: [lava-test-case one --result pass]}
    """

    /// Where an escaping member would point: it must stay empty.
    private struct Sandbox {
        let temp: TemporaryDirectory
        var outside: URL { temp.url.appendingPathComponent("outside") }
        var target: URL { temp.url.appendingPathComponent("tests/0_smoke") }

        init() throws {
            temp = try TemporaryDirectory()
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        }

        /// Fetches the archive as lava-run does (HTTP download, check, real GNU tar), path smoke.yaml.
        func fetch(_ archive: Data, with fetcher: TestDefinitionFetcher = TestDefinitionFetcher())
            async throws -> Result<FetchedTestDefinition, TestDefinitionError> {
            let target = target
            return try await FileServer.run(files: ["t.tar": archive]) { base in
                let entry = try #require(try TestDefinitionSource.list(fromTestAction: """
                definitions: [{from: url, repository: '\(base)/t.tar', path: smoke.yaml, name: smoke}]
                """).first)
                do throws(TestDefinitionError) {
                    return .success(try await fetcher.fetch(entry, into: target))
                } catch {
                    return .failure(error)
                }
            }
        }

        func outsideIsUntouched() throws -> Bool {
            try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty
        }
    }

    private static func smoke(_ tar: inout TarBuilder) {
        tar.file("smoke.yaml", definition)
    }

    /// Each archive with a fragment of the error that must refuse it.
    static let refused: [(String, String)] = [
        ("pax size for the next member", "escape"),
        ("global pax linkpath", "escape"),
        ("two pax headers", "two pax extended headers"),
        ("long name and pax path", "GNU long name"),
        ("two long names", "two GNU long names"),
        ("dangling long name", "not followed by a member"),
        ("NUL in a pax path", "NUL"),
        ("sparse pax records", "sparse"),
        ("GNU sparse type", "type 'S'"),
        ("volume label type", "type 'V'"),
        ("unknown type", "type 'Z'"),
        ("fifo", "device node or FIFO"),
        ("character device", "device node or FIFO"),
        ("symlink with data", "size"),
        ("directory with data", "size"),
        ("negative pax size", "size"),
        ("pax record with a bad length", "pax record"),
        ("huge pax header", "pax header"),
        ("huge long name", "GNU long name"),
        ("size field with garbage", "numeric field"),
        ("negative base-256 size", "numeric field"),
        ("data after the end", "after the end-of-archive"),
        ("set-user-ID file", "set-user-ID"),
        ("non-UTF-8 name", "UTF-8"),
        ("hard link to an absolute path", "hard link"),
        ("same path twice", "written twice"),
    ]

    private static func archive(_ kind: String, outside: String) -> Data {
        var tar = TarBuilder()
        switch kind {
        case "pax size for the next member":
            // GNU tar gives the symlink the size; a reader that gives it to the pax header
            // itself skips the symlink's header as if it were data.
            tar.pax([("size", "1024")])
            tar.symlink("escape", to: outside)
        case "global pax linkpath":
            tar.pax([("linkpath", outside)], global: true)
            tar.symlink("escape", to: "smoke.yaml")
        case "two pax headers":
            tar.pax([("path", "escape")])
            tar.pax([("path", "other")])
            tar.symlink("harmless", to: "smoke.yaml")
        case "long name and pax path":
            tar.member(type: "L", name: "././@LongLink", payload: Array("escape\0".utf8))
            tar.pax([("path", "harmless")])
            tar.symlink("x", to: "smoke.yaml")
        case "two long names":
            tar.member(type: "L", name: "././@LongLink", payload: Array("escape\0".utf8))
            tar.member(type: "L", name: "././@LongLink", payload: Array("other\0".utf8))
            tar.file("x", "x")
        case "dangling long name":
            smoke(&tar)
            tar.member(type: "L", name: "././@LongLink", payload: Array("escape\0".utf8))
            return tar.finished()
        case "NUL in a pax path":
            tar.pax([("path", "escape\u{0}.txt")])
            tar.file("x", "x")
        case "sparse pax records":
            tar.pax([("GNU.sparse.name", "escape"), ("GNU.sparse.major", "1"), ("GNU.sparse.minor", "0")])
            tar.file("GNUSparseFile.0/x", "x")
        case "GNU sparse type":
            tar.member(type: "S", name: "sparse", payload: Array("x".utf8))
        case "volume label type":
            tar.member(type: "V", name: "label")
        case "unknown type":
            tar.member(type: "Z", name: "what", payload: Array("x".utf8))
        case "fifo":
            tar.member(type: "6", name: "pipe")
        case "character device":
            tar.member(type: "3", name: "null")
        case "symlink with data":
            // GNU tar skips the data when listing but not when extracting.
            tar.member(type: "2", name: "link", payload: [UInt8](repeating: 0x41, count: 512), link: "smoke.yaml", mode: 0o777)
        case "directory with data":
            tar.member(type: "5", name: "dir/", payload: [UInt8](repeating: 0x41, count: 512), mode: 0o755)
        case "negative pax size":
            tar.pax([("size", "-512")])
            tar.file("x", "x")
        case "pax record with a bad length":
            tar.member(type: "x", name: "PaxHeaders/x", payload: Array("1 ".utf8))
            tar.file("x", "x")
        case "huge pax header":
            tar.pax([("comment", String(repeating: "a", count: 2 << 20))])
            tar.file("x", "x")
        case "huge long name":
            tar.member(type: "L", name: "././@LongLink", payload: Array((String(repeating: "a/", count: 5000) + "x\0").utf8))
            tar.file("x", "x")
        case "size field with garbage":
            var block = TarBuilder()
            block.file("x", "x")
            var bytes = [UInt8](block.data)
            // "0000000 0001": GNU tar stops at the space and refuses the rest.
            bytes.replaceSubrange(124 ..< 136, with: Array("0000000 001\0".utf8))
            Self.fixChecksum(&bytes)
            tar = TarBuilder()
            smoke(&tar)
            return tar.data + Data(bytes) + Data(count: 1024)
        case "negative base-256 size":
            var block = TarBuilder()
            block.file("x", "x")
            var bytes = [UInt8](block.data)
            bytes.replaceSubrange(124 ..< 136, with: [0xFF] + [UInt8](repeating: 0xFF, count: 11))
            Self.fixChecksum(&bytes)
            tar = TarBuilder()
            smoke(&tar)
            return tar.data + Data(bytes) + Data(count: 1024)
        case "data after the end":
            smoke(&tar)
            var hidden = TarBuilder()
            hidden.symlink("escape", to: outside)
            return tar.finished() + hidden.finished()
        case "set-user-ID file":
            tar.member(type: "0", name: "suid", payload: Array("x".utf8), mode: 0o4755)
        case "non-UTF-8 name":
            var block = TarBuilder()
            block.file("x", "x")
            var bytes = [UInt8](block.data)
            bytes[0] = 0xFF
            Self.fixChecksum(&bytes)
            tar = TarBuilder()
            smoke(&tar)
            return tar.data + Data(bytes) + Data(count: 1024)
        case "same path twice":
            // Whether GNU tar then writes through the link depends on the order of members.
            tar.directory("d/")
            tar.symlink("d", to: "sub")
        default:
            tar.hardlink("h", to: outside + "/x")
        }
        smoke(&tar)
        return tar.finished()
    }

    private static func fixChecksum(_ block: inout [UInt8]) {
        block.replaceSubrange(148 ..< 156, with: Array("        ".utf8))
        let sum = block[0 ..< 512].reduce(0) { $0 + Int($1) }
        let digits = String(sum, radix: 8)
        block.replaceSubrange(148 ..< 156, with: Array((String(repeating: "0", count: 6 - digits.count) + digits + "\0 ").utf8))
    }

    @Test(arguments: refused)
    func refusesTheArchive(kind: String, fragment: String) async throws {
        let sandbox = try Sandbox()
        defer { sandbox.temp.remove() }
        let result = try await sandbox.fetch(Self.archive(kind, outside: sandbox.outside.path))
        guard case .failure(let error) = result else {
            Issue.record("\(kind): the archive was accepted")
            return
        }
        #expect(error.description.contains(fragment), "\(kind): \(error)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.target.path), "\(kind): something was extracted")
        #expect(try sandbox.outsideIsUntouched())
    }

    /// Archives GNU tar itself writes (pax and GNU long names, links inside) and crafted headers
    /// used as intended are accepted; GNU tar extracts exactly the members listed, all inside.
    @Test(arguments: ["pax", "gnu", "crafted"])
    func acceptsWellFormedArchivesAndTarExtractsNothingElse(format: String) async throws {
        let sandbox = try Sandbox()
        defer { sandbox.temp.remove() }
        let archive: Data
        let long = String(repeating: "long-directory-name/", count: 8)
        if format == "crafted" {
            var tar = TarBuilder()
            tar.pax([("path", long + "a.sh"), ("size", "2")])
            tar.member(type: "0", name: "short", payload: Array("x\n".utf8), size: 0)
            tar.member(type: "L", name: "././@LongLink", payload: Array((long + "link\0").utf8))
            tar.member(type: "K", name: "././@LongLink", payload: Array("a.sh\0".utf8))
            tar.symlink("x", to: "y")
            tar.pax([("comment", "global records apply to what follows")], global: true)
            Self.smoke(&tar)
            archive = tar.finished()
        } else {
            let source = sandbox.temp.url.appendingPathComponent("src")
            try sandbox.temp.write(Self.definition, to: "src/smoke.yaml")
            try sandbox.temp.write("x\n", to: "src/\(long)a.sh")
            try FileManager.default.createSymbolicLink(atPath: source.appendingPathComponent("\(long)link").path,
                                                       withDestinationPath: "a.sh")
            let file = sandbox.temp.url.appendingPathComponent("t.tar")
            try shell(["tar", "--format=\(format)", "-C", source.path, "-cf", file.path, "."])
            archive = try Data(contentsOf: file)
        }
        let listed = try TarListing.members(of: archive)
        let result = try await sandbox.fetch(archive)
        if case .failure(let error) = result { Issue.record("\(format): \(error)") }

        let extracted = try FileManager.default.subpathsOfDirectory(atPath: sandbox.target.path)
        let names = Set(listed.map { $0.name.split(separator: "/").filter { $0 != "." }.joined(separator: "/") }).subtracting([""])
        #expect(names.isSubset(of: Set(extracted)), "\(format): listed \(names.sorted()), extracted \(extracted.sorted())")
        #expect(extracted.contains("\(long)link"))
        for path in extracted {
            let resolved = sandbox.target.appendingPathComponent(path).resolvingSymlinksInPath().path
            #expect(resolved.hasPrefix(sandbox.target.resolvingSymlinksInPath().path + "/"), "\(path) → \(resolved)")
        }
        #expect(try sandbox.outsideIsUntouched())
    }

    @Test func boundsTheNumberOfMembers() throws {
        var tar = TarBuilder()
        for index in 0 ..< 11 { tar.directory("d\(index)/") }
        #expect(throws: TarListing.Malformed.self) { _ = try TarListing.members(of: tar.finished(), limits: .init(members: 10)) }
        #expect(try TarListing.members(of: tar.finished(), limits: .init(members: 11)).count == 11)
    }

    @Test func boundsWhatAnArchiveDecompressesTo() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.temp.remove() }
        var tar = TarBuilder()
        tar.member(type: "0", name: "zeros", payload: [UInt8](repeating: 0, count: 4 << 20))
        Self.smoke(&tar)
        let file = sandbox.temp.url.appendingPathComponent("t.tar")
        try tar.finished().write(to: file)
        try shell(["gzip", file.path])
        let bomb = try Data(contentsOf: sandbox.temp.url.appendingPathComponent("t.tar.gz"))
        #expect(bomb.count < 1 << 20)

        let result = try await sandbox.fetch(bomb, with: TestDefinitionFetcher(maxArchiveSize: 1 << 20))
        guard case .failure(let error) = result else {
            Issue.record("the archive was accepted")
            return
        }
        #expect(error.description.contains("decompresses to more than 1048576 bytes"), "\(error)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.target.path))
        let roomy = try await sandbox.fetch(bomb, with: TestDefinitionFetcher(maxArchiveSize: 8 << 20))
        #expect(try roomy.get().file.text == Self.definition)
    }
}
