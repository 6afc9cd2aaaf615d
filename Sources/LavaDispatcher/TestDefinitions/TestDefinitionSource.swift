import Yams

/// One entry of a test action's `definitions` list (spec §6): where the test definition comes
/// from and how to run it.
public struct TestDefinitionSource: Sendable, Equatable {
    public enum Origin: Sendable, Equatable {
        case git(GitOrigin)
        /// `from: inline`: the `repository` mapping, dumped as YAML to `path`.
        case inline(yaml: String)
        case url(ArchiveOrigin)
    }

    public struct GitOrigin: Sendable, Equatable {
        public var repository: String
        public var branch: String?
        /// A commit, tag or branch to check out after cloning; it implies a full clone.
        public var revision: String?
        /// False removes `.git` after cloning.
        public var history: Bool
        /// Clone with `--depth=1` (ignored when `revision` is set).
        public var shallow: Bool
        /// Also fetch submodules, recursively.
        public var recursive: Bool
    }

    public struct ArchiveOrigin: Sendable, Equatable {
        public var url: String
        /// Nil: detected from the file's first bytes.
        public var compression: ArchiveCompression?
        public var stripComponents: Int
        public var headers: [Header]
    }

    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// The entry's position in the action's `definitions` list: the `<n>` of `<n>_<name>`.
    public let index: Int
    public let name: String
    /// The test definition file, relative to the fetched directory.
    public let path: String
    public let origin: Origin
    /// The job's `parameters` (or `params`) for this definition, in the order given.
    public let parameters: [ShellParameter]
    /// `skip_install` keys: `keys`, `sources`, `deps`, `steps`, `git-repos` or `all`.
    public let skipInstall: Set<String>
    /// Test case names the run must report (`expected`), checked at the end of the run.
    public let expected: [String]

    /// `<n>_<name>`: the run's `TESTRUN_ID`, its test directory and its results suite.
    public var runName: String { "\(index)_\(name)" }

    /// The repository as the `lava` results record names it (inline definitions have none).
    public var repositoryDescription: String {
        switch origin {
        case .git(let git): git.repository
        case .inline: "inline"
        case .url(let archive): archive.url
        }
    }

    static let skipInstallKeys: Set<String> = ["keys", "sources", "deps", "steps", "git-repos", "all"]
    private static let nameCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")

    public init(entry: Node, index: Int) throws(TestDefinitionError) {
        func invalid(_ problem: String) -> TestDefinitionError { .invalidEntry(index: index, problem) }
        guard let fields = entry.mapping else {
            throw invalid("must be a mapping, e.g. {from: git, repository: <url>, path: smoke.yaml, name: smoke}")
        }

        guard let name = YAMLValue.text(fields["name"]) else {
            throw invalid("'name' is required: a name of letters, digits, '-', '_' or '.', e.g. name: smoke")
        }
        guard !name.isEmpty, name.allSatisfy(Self.nameCharacters.contains) else {
            throw invalid("'name: \(name)' may only hold letters, digits, '-', '_' and '.' (it names a directory "
                + "and a results suite), e.g. name: smoke-tests")
        }
        guard name != "lava" else {
            throw invalid("'name: lava' is reserved for LAVA's own results: choose another name")
        }
        self.name = name
        self.index = index

        guard let path = YAMLValue.text(fields["path"]), !path.isEmpty else {
            throw invalid("'path' is required: the test definition file inside the repository, e.g. path: smoke.yaml")
        }
        do throws(ConfinedPath.Problem) {
            _ = try ConfinedPath.components(of: path)
        } catch {
            throw invalid("'path' (\(path.debugDescription)) \(error): give the test definition file relative to "
                + "the repository, e.g. path: smoke.yaml")
        }
        self.path = path

        switch YAMLValue.string(fields["from"]) {
        case "git": origin = .git(try Self.git(fields, invalid: invalid))
        case "inline": origin = .inline(yaml: try Self.inline(fields, invalid: invalid))
        case "url": origin = .url(try Self.archive(fields, invalid: invalid))
        case let other:
            throw invalid("'from' must be git, inline or url\(other.map { " (not '\($0)')" } ?? "")")
        }

        if fields["parameters"] != nil, fields["params"] != nil {
            throw invalid("give either 'parameters' or 'params', not both")
        }
        let parameterKey = fields["parameters"] != nil ? "parameters" : "params"
        switch ShellParameter.list(fields[parameterKey], describe: parameterKey) {
        case .success(let parameters): self.parameters = parameters
        case .failure(let problem): throw invalid(problem.message)
        }

        if let node = fields["skip_install"] {
            guard let keys = YAMLValue.texts(node), keys.allSatisfy(Self.skipInstallKeys.contains) else {
                throw invalid("'skip_install' must be a list of keys, sources, deps, steps, git-repos or all, "
                    + "e.g. skip_install: [deps]")
            }
            skipInstall = Set(keys)
        } else {
            skipInstall = []
        }

        if let node = fields["expected"] {
            guard let names = YAMLValue.texts(node) else {
                throw invalid("'expected' must be a list of test case names, e.g. expected: [ls, env]")
            }
            expected = names
        } else {
            expected = []
        }

        if let signal = fields["lava-signal"], YAMLValue.string(signal) != "stdout" {
            throw invalid("'lava-signal' must be stdout here: kmsg needs /dev/kmsg, which containers cannot write")
        }
    }

    private static func git(
        _ fields: Node.Mapping, invalid: (String) -> TestDefinitionError
    ) throws(TestDefinitionError) -> GitOrigin {
        guard let repository = YAMLValue.string(fields["repository"]), !repository.isEmpty else {
            throw invalid("'repository' is required for from: git: the URL to clone, "
                + "e.g. repository: https://git.example.org/tests.git")
        }
        if let problem = gitRepositoryProblem(repository) {
            throw invalid("'repository: \(repository)' \(problem): give an http(s), git or ssh URL, "
                + "e.g. repository: https://git.example.org/tests.git")
        }
        func flag(_ key: String, default value: Bool) throws(TestDefinitionError) -> Bool {
            guard let node = fields[key] else { return value }
            guard let flag = YAMLValue.bool(node) else { throw invalid("'\(key)' must be true or false") }
            return flag
        }
        func text(_ key: String) throws(TestDefinitionError) -> String? {
            guard let node = fields[key] else { return nil }
            guard let text = YAMLValue.text(node), !text.isEmpty else {
                throw invalid("'\(key)' must be a \(key) name, e.g. \(key): main")
            }
            guard !text.hasPrefix("-"), !Self.hasControlCharacter(text) else {
                throw invalid("'\(key): \(text.debugDescription)' must not start with '-' (git would read it as an "
                    + "option) nor hold control characters, e.g. \(key): main")
            }
            return text
        }
        return GitOrigin(
            repository: repository, branch: try text("branch"), revision: try text("revision"),
            history: try flag("history", default: true), shallow: try flag("shallow", default: true),
            recursive: try flag("recursive", default: false))
    }

    /// URL schemes git only fetches data with. `<helper>::<address>` (`ext::`, `fd::`, `hg::`)
    /// runs a program on the worker instead; GitFetcher also tells git to refuse those.
    private static let gitSchemes: Set<String> = ["http", "https", "git", "ssh", "git+ssh", "ssh+git", "file"]

    private static func gitRepositoryProblem(_ repository: String) -> String? {
        if repository.hasPrefix("-") { return "must not start with '-' (git would read it as an option)" }
        if hasControlCharacter(repository) { return "must not hold control characters" }
        if let separator = repository.range(of: "::") {
            let helper = repository[..<separator.lowerBound]
            if !helper.isEmpty, helper.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) {
                return "uses the git transport '\(helper)::', which runs a program on the worker"
            }
        }
        if let separator = repository.range(of: "://") {
            let scheme = repository[..<separator.lowerBound].lowercased()
            if !gitSchemes.contains(scheme) {
                return "uses the URL scheme '\(scheme)', which git does not fetch with here"
            }
        }
        return nil
    }

    private static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    private static func inline(
        _ fields: Node.Mapping, invalid: (String) -> TestDefinitionError
    ) throws(TestDefinitionError) -> String {
        guard let repository = fields["repository"], repository.mapping != nil else {
            throw invalid("'repository' must be the test definition itself for from: inline, e.g. repository: "
                + "{metadata: {format: Lava-Test Test Definition 1.0, name: smoke}, run: {steps: [echo hi]}}")
        }
        do {
            return try Yams.serialize(node: repository)
        } catch {
            throw invalid("'repository' could not be written as YAML: \(error)")
        }
    }

    private static func archive(
        _ fields: Node.Mapping, invalid: (String) -> TestDefinitionError
    ) throws(TestDefinitionError) -> ArchiveOrigin {
        guard let url = YAMLValue.string(fields["repository"]),
              url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw invalid("'repository' is required for from: url: the http(s) URL of a tar archive, "
                + "e.g. repository: https://example.org/tests.tar.xz")
        }
        var compression: ArchiveCompression?
        if let node = fields["compression"] {
            let value = YAMLValue.text(node) ?? ""
            if value == "zip" {
                throw invalid("'compression: zip' is not supported: publish the tests as a tar archive "
                    + "(none, gz, bz2, xz or zstd)")
            }
            guard let known = ArchiveCompression(rawValue: value) else {
                throw invalid("'compression' must be none, gz, bz2, xz or zstd (or left out to detect it)")
            }
            compression = known
        }
        var stripComponents = 0
        if let node = fields["strip-components"] {
            guard let count = YAMLValue.int(node), count >= 0 else {
                throw invalid("'strip-components' must be a whole number of leading directories to drop, "
                    + "e.g. strip-components: 1")
            }
            stripComponents = count
        }
        var headers: [Header] = []
        if let node = fields["headers"] {
            guard let mapping = node.mapping else {
                throw invalid("'headers' must map header names to values, e.g. headers: {PRIVATE-TOKEN: <token name>}")
            }
            for (key, value) in mapping {
                let name = YAMLValue.key(key)
                guard let text = YAMLValue.text(value), !name.contains(":"), !name.isEmpty,
                      !(name + text).contains(where: { $0 == "\r" || $0 == "\n" }) else {
                    throw invalid("'headers.\(name)' must be a single-line header value")
                }
                headers.append(Header(name: name, value: text))
            }
        }
        return ArchiveOrigin(url: url, compression: compression, stripComponents: stripComponents, headers: headers)
    }
}
