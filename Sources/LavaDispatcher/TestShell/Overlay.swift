import Foundation
import Yams

/// The test shell overlay of a job (spec §7.1): written on the worker under `directory`, seen by
/// the DUT at `root` (`/lava-<job id>` by default; the job runner mounts one onto the other).
///
///     <root>/bin/lava-*              helpers, `#!/bin/sh`, executable
///     <root>/environment             export lines, sourced before the runner
///     <root>/secrets                 KEY=value lines (not exported)
///     <root>/tests/, <root>/results/
///     <root>/<stage>/lava-test-runner.conf
///     <root>/<stage>/tests/<n>_<name>/   repository + testdef.yaml, uuid, testdef_metadata, install.sh, run.sh
public struct Overlay: Sendable {
    public let jobID: String
    /// Where the overlay is written on the worker.
    public let directory: URL
    /// The same directory as the DUT sees it; every path written into a file uses it.
    public let root: String

    /// The shell every helper and script runs under (LAVA's `lava_test_sh_cmd`).
    public static let shell = "/bin/sh"

    public init(jobID: String, directory: URL, root: String? = nil) {
        self.jobID = jobID
        self.directory = directory
        self.root = root ?? "/lava-\(jobID)"
    }

    /// Writes `bin/`, `environment`, `secrets`, `tests/` and `results/`.
    public func writeBase(environment: TestShellEnvironment, secrets: [TestShellEnvironment.Variable] = []) throws(OverlayError) {
        for variable in environment.variables + secrets where !ShellParameter.isShellName(variable.name) {
            throw .invalidVariableName(variable.name)
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .writeFailed(path: directory.path, error.localizedDescription)
        }
        for name in ["bin", "tests", "results"] {
            try makeDirectory(name)
        }
        for script in TestShellHelpers.scripts {
            try write("#!\(Self.shell)\n" + script.body + "\n", to: "bin/\(script.name)", executable: true)
        }
        try write(environment.fileText, to: "environment")
        try write(secrets.map { "\($0.name)=\($0.value)\n" }.joined(), to: "secrets")
    }

    /// Where `fetch` puts a definition of this stage on the worker.
    public func testDirectory(stage: Int, runName: String) throws(OverlayError) -> URL {
        try confined("\(stage)/tests/\(runName)").url
    }

    /// Writes the stage's runner list and, in each already fetched test directory, the files the
    /// runner uses. `levels` holds each test's pipeline level (e.g. `3.1`), which makes its
    /// `uuid` `<job id>_<level>`; it defaults to `<stage>.<n>`.
    /// - Parameter targetOS: the deploy action's `os`, which decides how `install.deps` are installed.
    public func writeStage(
        _ stage: Int, tests: [FetchedTestDefinition], levels: [String: String] = [:], targetOS: String? = nil
    ) throws(OverlayError) {
        var runnerList = ""
        for test in tests {
            let runName = test.source.runName
            let runnerPath = "\(root)/\(stage)/tests/\(runName)"
            let testDirectory = "\(stage)/tests/\(runName)"
            let level = levels[runName] ?? "\(stage).\(test.source.index)"
            let scripts = TestRunScripts(definition: test, runnerPath: runnerPath, targetOS: targetOS)
            // The directory holds the fetched repository: each file replaces whatever entry
            // (a symlink included) the repository has under that name.
            try makeDirectory(testDirectory)
            try write(test.file.text, to: "\(testDirectory)/testdef.yaml")
            try write("\(jobID)_\(level)\n", to: "\(testDirectory)/uuid")
            try write(Self.metadata(test), to: "\(testDirectory)/testdef_metadata")
            try write(scripts.install, to: "\(testDirectory)/install.sh", executable: true)
            try write(scripts.run, to: "\(testDirectory)/run.sh", executable: true)
            runnerList += runnerPath + "\n"
        }
        try write(runnerList, to: "\(stage)/lava-test-runner.conf")
    }

    /// What the job runner types into the DUT's shell (`/bin/sh -c '<command>'`) to run a stage.
    public func runnerCommand(stage: Int) -> String {
        "export SHELL=\(Self.shell); . \(ShellQuoting.quote(root + "/environment")); "
            + "\(ShellQuoting.quote(root + "/bin/lava-test-runner")) \(ShellQuoting.quote("\(root)/\(stage)"))"
    }

    /// `testdef_metadata`: where the definition came from, as LAVA records it beside the test.
    private static func metadata(_ test: FetchedTestDefinition) -> String {
        var pairs: [(String, String)] = [
            ("name", test.file.metadataName ?? test.source.name),
            ("path", test.source.path),
            ("repository", test.source.repositoryDescription),
            ("test_name", test.source.runName),
        ]
        if let description = test.file.metadataDescription { pairs.append(("description", description)) }
        if case .git(let git) = test.source.origin, let branch = git.branch { pairs.append(("branch", branch)) }
        if let commit = test.commitID { pairs.append(("commit_id", commit)) }
        let node = Node(pairs.map { (Node($0.0), Node($0.1, Tag(.str), .doubleQuoted)) })
        return (try? Yams.serialize(node: node)) ?? ""
    }

    /// `relative` inside the overlay directory, checked by the one path helper.
    private func confined(_ relative: String) throws(OverlayError) -> ConfinedPath {
        do throws(ConfinedPath.Problem) {
            return try ConfinedPath(relative, in: directory)
        } catch {
            throw .unsafePath(path: relative, error.description)
        }
    }

    private func makeDirectory(_ relative: String) throws(OverlayError) {
        let path = try confined(relative)
        do throws(ConfinedPath.Problem) {
            try path.makeDirectory()
        } catch {
            throw Self.error(error, writing: path)
        }
    }

    private func write(_ text: String, to relative: String, executable: Bool = false) throws(OverlayError) {
        let path = try confined(relative)
        do throws(ConfinedPath.Problem) {
            try path.create(Data(text.utf8), executable: executable)
        } catch {
            throw Self.error(error, writing: path)
        }
    }

    private static func error(_ problem: ConfinedPath.Problem, writing path: ConfinedPath) -> OverlayError {
        if case .failed(let reason) = problem { return .writeFailed(path: path.url.path, reason) }
        return .unsafePath(path: path.description, problem.description)
    }
}
