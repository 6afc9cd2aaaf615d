import Foundation

/// Clones a `from: git` definition with the git CLI as LAVA's `GitHelper` does: `git clone
/// [-b <branch>] [--depth=1] <repository> <dir>`, then `checkout <revision>`, submodules, and the
/// commit id for the results record; `history: false` drops `.git`. The job's values reach git
/// only as values (after `--`, or as `--branch=`; `TestDefinitionSource` refuses those that start
/// with '-', which `git checkout` would still read as options), and git runs with the transports
/// that run commands disabled and with no hooks or fsmonitor, whatever a repository brings.
struct GitFetcher: Sendable {
    /// Never ask for credentials on a terminal: a private repository without them fails at once.
    private static let environment = ["GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"]

    /// Only the transports that fetch data; `ext::`, `fd::` and remote helpers (`hg::`, ...) run
    /// programs. `file` stays at git's default `user`: a submodule cannot clone a worker path.
    static let safety = [
        "-c", "protocol.allow=never",
        "-c", "protocol.http.allow=always", "-c", "protocol.https.allow=always",
        "-c", "protocol.git.allow=always", "-c", "protocol.ssh.allow=always",
        "-c", "protocol.file.allow=user",
        "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false",
    ]

    /// Clones into `directory` (which must not exist yet) and returns the checked-out commit id.
    func fetch(_ git: TestDefinitionSource.GitOrigin, name: String, into directory: URL) async throws(TestDefinitionError) -> String {
        var clone = ["clone", "--quiet"]
        if let branch = git.branch { clone.append("--branch=\(branch)") }
        // A revision may be any older commit, so it needs the full history.
        if git.shallow, git.revision == nil { clone.append("--depth=1") }
        clone += ["--", git.repository, directory.path]
        try await run(clone, name: name, what: "cloning \(git.repository)")

        if let revision = git.revision {
            // git 2.39's checkout does not take --end-of-options; the trailing "--" keeps the
            // revision from being read as a path.
            try await run(["-C", directory.path, "checkout", "--quiet", revision, "--"], name: name,
                          what: "checking out revision '\(revision)' of \(git.repository)")
        }
        if git.recursive {
            try await run(["-C", directory.path, "submodule", "update", "--init", "--recursive"],
                          name: name, what: "fetching the submodules of \(git.repository)")
        }
        let commit = try await run(["-C", directory.path, "rev-parse", "HEAD"], name: name,
                                   what: "reading the commit id of \(git.repository)")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if !git.history {
            do {
                try FileManager.default.removeItem(at: directory.appendingPathComponent(".git"))
            } catch {
                throw .fetchFailed(name: name, "cannot remove .git (history: false): \(error.localizedDescription)")
            }
        }
        return commit
    }

    @discardableResult
    private func run(_ arguments: [String], name: String, what: String) async throws(TestDefinitionError) -> String {
        let output: ExternalCommand.Output
        do {
            output = try await ExternalCommand(["git"] + Self.safety + arguments, environment: Self.environment).run()
        } catch {
            throw .fetchFailed(name: name, "\(what) failed: \(error.description) (is git installed on the worker?)")
        }
        guard output.status == 0 else {
            throw .fetchFailed(name: name, "\(what) failed (git exit status \(output.status)): \(output.diagnostics); "
                + "check the repository URL, branch and revision, and that the worker can reach it")
        }
        return output.stdout
    }
}
