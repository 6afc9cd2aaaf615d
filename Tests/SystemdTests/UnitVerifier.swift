import Foundation
import LavaTestSupport

/// `systemd-analyze verify` on copies of unit files in a directory of their own, where a
/// template finds its instances. ExecStart='s /usr/local/bin/PROGRAM becomes the built PROGRAM
/// (or, when it is not built, another executable): verify fails on a missing binary.
struct UnitVerifier {
    struct Result {
        let status: Int32
        /// What verify printed about the unit: every warning and error names its file or unit.
        let problems: [String]
        let output: String
    }

    private let directory: TemporaryDirectory

    /// - Parameter units: file name to content.
    init(units: [String: String]) throws {
        directory = try TemporaryDirectory()
        for (name, content) in units {
            try directory.write(Self.withBuiltPrograms(content), to: name)
        }
    }

    func remove() {
        directory.remove()
    }

    /// Verifies `unit`, a file name or an instance (`name@instance.service`) of a template.
    func verify(_ unit: String) async throws -> Result {
        let run = try await BuiltProgram.run(URL(fileURLWithPath: "/usr/bin/systemd-analyze"),
                                       ["verify", directory.url.appendingPathComponent(unit).path])
        let output = run.output + run.error
        var names = [directory.url.path, unit]
        if let at = unit.firstIndex(of: "@") { names.append(unit[...at] + ".service") }
        let problems = output.split(separator: "\n").map(String.init).filter { line in names.contains { line.contains($0) } }
        return Result(status: run.status, problems: problems, output: output)
    }

    private static func withBuiltPrograms(_ unit: String) -> String {
        unit.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let prefix = "ExecStart=/usr/local/bin/"
            guard line.hasPrefix(prefix) else { return String(line) }
            let name = line.dropFirst(prefix.count).prefix { $0 != " " }
            let built = BuiltProgram.path(String(name)).path
            let program = FileManager.default.isExecutableFile(atPath: built) ? built : "/usr/bin/true"
            return "ExecStart=" + program + line.dropFirst(prefix.count + name.count)
        }.joined(separator: "\n")
    }
}
