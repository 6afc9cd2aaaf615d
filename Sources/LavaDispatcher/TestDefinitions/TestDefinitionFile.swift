import LavaCore
import Yams

/// A test definition file (spec §6, `lava_common/schemas/test/testdef.py`): what `run.sh` and
/// `install.sh` are built from, and how the console output of the run is parsed.
public struct TestDefinitionFile: Sendable, Equatable {
    /// `metadata.name`, `metadata.description`, `metadata.format`, `metadata.os` when given.
    public let metadataName: String?
    public let metadataDescription: String?
    public let format: String?
    public let os: [String]
    public let installSteps: [String]
    /// `install.deps`, and `install.deps-<distro>` keyed by distro.
    public let installDeps: [String]
    public let installDistroDeps: [String: [String]]
    public let runSteps: [String]
    /// `parse.pattern`: a Python regex with named groups test_case_id, result, measurement, units.
    public let parsePattern: String?
    public let fixupdict: [String: String]
    /// `params` (or `parameters`): the definition's defaults, overridden by the job's values.
    public let parameters: [ShellParameter]
    public let expected: [String]
    /// What LAVA would have acted on but this dispatcher ignores, for the job log.
    public let notes: [String]
    /// The file as read, copied to `testdef.yaml` in the overlay.
    public let text: String

    public init(yaml: String, name: String, path: String) throws(TestDefinitionError) {
        func invalid(_ problem: String) -> TestDefinitionError {
            .invalidTestDefinitionFile(name: name, path: path, problem)
        }
        let root: Node?
        do {
            root = try UntrustedYAML.compose(yaml)
        } catch {
            throw invalid("is not valid YAML: \(error)")
        }
        guard let fields = root?.mapping else {
            throw invalid("must be a YAML mapping with metadata and run.steps, e.g. "
                + "{metadata: {format: Lava-Test Test Definition 1.0, name: smoke}, run: {steps: [uname -a]}}")
        }
        text = yaml
        var notes: [String] = []

        let metadata = fields["metadata"]?.mapping
        metadataName = YAMLValue.text(metadata?["name"])
        metadataDescription = YAMLValue.text(metadata?["description"])
        format = YAMLValue.text(metadata?["format"])
        os = YAMLValue.texts(metadata?["os"]) ?? []

        let install = fields["install"]?.mapping
        installSteps = try Self.steps(install?["steps"], key: "install.steps", notes: &notes, invalid: invalid)
        installDeps = YAMLValue.texts(install?["deps"]) ?? []
        var distroDeps: [String: [String]] = [:]
        for (key, value) in install ?? [:] {
            let keyText = YAMLValue.key(key)
            if keyText.hasPrefix("deps-") { distroDeps[String(keyText.dropFirst(5))] = YAMLValue.texts(value) ?? [] }
            if ["keys", "sources", "git-repos"].contains(keyText) {
                notes.append("install.\(keyText) of '\(path)' is not supported by this dispatcher and was ignored")
            }
        }
        installDistroDeps = distroDeps

        runSteps = try Self.steps(fields["run"]?.mapping?["steps"], key: "run.steps", notes: &notes, invalid: invalid)

        let parse = fields["parse"]?.mapping
        parsePattern = YAMLValue.text(parse?["pattern"])
        var fixups: [String: String] = [:]
        for (key, value) in parse?["fixupdict"]?.mapping ?? [:] {
            guard let text = YAMLValue.text(value) else {
                throw invalid("has a parse.fixupdict value for '\(YAMLValue.key(key))' that is not a single value: "
                    + "map each reported result to pass, fail, skip or unknown, e.g. fixupdict: {PASS: pass}")
            }
            fixups[YAMLValue.key(key)] = text
        }
        fixupdict = fixups

        let parameterKey = fields["params"] != nil ? "params" : "parameters"
        switch ShellParameter.list(fields[parameterKey], describe: parameterKey) {
        case .success(let parameters): self.parameters = parameters
        case .failure(let problem): throw invalid("has invalid parameters: " + problem.message)
        }
        if let node = fields["expected"] {
            guard let names = YAMLValue.texts(node) else {
                throw invalid("has an 'expected' that is not a list of test case names, e.g. expected: [ls, env]")
            }
            expected = names
        } else {
            expected = []
        }
        self.notes = notes
    }

    /// A list of shell command lines. LAVA writes only string steps; others (often a step with an
    /// unquoted `: ` read as a mapping) are skipped, which is noted so the job log explains it.
    private static func steps(
        _ node: Node?, key: String, notes: inout [String], invalid: (String) -> TestDefinitionError
    ) throws(TestDefinitionError) -> [String] {
        guard let node else { return [] }
        guard let items = node.sequence else {
            throw invalid("has a '\(key)' that is not a list of shell commands, e.g. \(key): [\"uname -a\"]")
        }
        var steps: [String] = []
        for (index, item) in items.enumerated() {
            if let text = YAMLValue.text(item) {
                steps.append(text)
            } else {
                notes.append("\(key)[\(index)] is not a string and was skipped, as LAVA does: quote a step "
                    + "that contains ': '")
            }
        }
        return steps
    }
}
