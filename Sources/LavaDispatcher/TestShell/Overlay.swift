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
        for name in ["bin", "tests", "results"] {
            try makeDirectory(directory.appendingPathComponent(name))
        }
        for script in TestShellHelpers.scripts {
            try write("#!\(Self.shell)\n" + script.body + "\n", to: directory.appendingPathComponent("bin/\(script.name)"),
                      executable: true)
        }
        try write(environment.fileText, to: directory.appendingPathComponent("environment"))
        try write(secrets.map { "\($0.name)=\($0.value)\n" }.joined(), to: directory.appendingPathComponent("secrets"))
    }

    /// Where `fetch` puts a definition of this stage on the worker.
    public func testDirectory(stage: Int, runName: String) -> URL {
        directory.appendingPathComponent("\(stage)/tests/\(runName)")
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
            let testDirectory = testDirectory(stage: stage, runName: runName)
            let level = levels[runName] ?? "\(stage).\(test.source.index)"
            let scripts = TestRunScripts(definition: test, runnerPath: runnerPath, targetOS: targetOS)
            try makeDirectory(testDirectory)
            try write(test.file.text, to: testDirectory.appendingPathComponent("testdef.yaml"))
            try write("\(jobID)_\(level)\n", to: testDirectory.appendingPathComponent("uuid"))
            try write(Self.metadata(test), to: testDirectory.appendingPathComponent("testdef_metadata"))
            try write(scripts.install, to: testDirectory.appendingPathComponent("install.sh"), executable: true)
            try write(scripts.run, to: testDirectory.appendingPathComponent("run.sh"), executable: true)
            runnerList += runnerPath + "\n"
        }
        try write(runnerList, to: directory.appendingPathComponent("\(stage)/lava-test-runner.conf"))
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

    private func makeDirectory(_ url: URL) throws(OverlayError) {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw .writeFailed(path: url.path, error.localizedDescription)
        }
    }

    private func write(_ text: String, to url: URL, executable: Bool = false) throws(OverlayError) {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            if executable {
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
            }
        } catch {
            throw .writeFailed(path: url.path, error.localizedDescription)
        }
    }
}
