import Foundation
import LavaTestSupport
import Testing
@testable import LavaDispatcher

/// The one helper every job-controlled path goes through, on real files and symlinks.
@Suite struct ConfinedPathTests {
    @Test(arguments: ["", ".", "./", "/etc/passwd", "a/../b", "..", "a\u{0}b", String(repeating: "a/", count: 2100)])
    func refusesPathsThatAreNotPlainRelativeNames(text: String) {
        #expect(throws: ConfinedPath.Problem.self) { _ = try ConfinedPath(text, in: URL(fileURLWithPath: "/tmp")) }
    }

    @Test func dropsEmptyAndDotComponents() throws {
        #expect(try ConfinedPath("./a//b/./c", in: URL(fileURLWithPath: "/base")).components == ["a", "b", "c"])
    }

    @Test func createReplacesASymlinkAndRefusesOneOnTheWay() throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        try temp.write("host\n", to: "outside/file")
        let outside = temp.url.appendingPathComponent("outside")
        let base = temp.url.appendingPathComponent("base")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: base.appendingPathComponent("file").path,
                                                   withDestinationPath: outside.appendingPathComponent("file").path)
        try FileManager.default.createSymbolicLink(atPath: base.appendingPathComponent("dir").path, withDestinationPath: outside.path)

        try ConfinedPath("file", in: base).create(Data("job\n".utf8), executable: true)
        #expect(try String(contentsOf: outside.appendingPathComponent("file"), encoding: .utf8) == "host\n")
        #expect(try String(contentsOf: base.appendingPathComponent("file"), encoding: .utf8) == "job\n")
        #expect(FileManager.default.isExecutableFile(atPath: base.appendingPathComponent("file").path))

        #expect(throws: ConfinedPath.Problem.refused("goes through 'dir', a symlink")) {
            try ConfinedPath("dir/new", in: base).create(Data())
        }
        #expect(throws: ConfinedPath.Problem.refused("goes through 'dir', a symlink")) {
            try ConfinedPath("dir/sub", in: base).makeDirectory()
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path) == ["file"])
    }

    @Test func readingFollowsOnlySymlinksThatStayInside() throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        try temp.write("secret\n", to: "outside/shadow")
        try temp.write("inside\n", to: "base/real/file")
        let base = temp.url.appendingPathComponent("base")
        func link(_ name: String, _ target: String) throws {
            try FileManager.default.createSymbolicLink(atPath: base.appendingPathComponent(name).path, withDestinationPath: target)
        }
        try link("alias", "real/file")
        try link("up", "real/..")
        try link("escape", "../outside/shadow")
        try link("absolute", temp.url.appendingPathComponent("outside/shadow").path)
        try link("loop", "loop")

        func read(_ path: String) throws(ConfinedPath.Problem) -> String {
            String(decoding: try ConfinedPath(path, in: base).resolvingSymlinks().contents(limit: 100), as: UTF8.self)
        }
        #expect(try read("alias") == "inside\n")
        #expect(try read("up/up/alias") == "inside\n")
        #expect(throws: ConfinedPath.Problem.refused("leads outside the directory through a symlink")) { try read("escape") }
        #expect(throws: ConfinedPath.Problem.self) { try read("absolute") }
        #expect(throws: ConfinedPath.Problem.refused("goes through too many symlinks")) { try read("loop") }
        #expect(throws: ConfinedPath.Problem.missing) { try read("real/none") }
        // Without resolving, a symlink is never opened.
        #expect(throws: ConfinedPath.Problem.refused("goes through 'alias', a symlink")) {
            _ = try ConfinedPath("alias", in: base).contents(limit: 100)
        }
        #expect(throws: ConfinedPath.Problem.refused("is larger than 3 bytes")) {
            _ = try ConfinedPath("real/file", in: base).contents(limit: 3)
        }
    }
}
