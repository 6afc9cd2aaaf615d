import LavaCore
import Yams

/// A job as lava-run runs it: the job definition checked as the server checks it, then each
/// action read for what a `docker` device does with it (spec §6). Anything else is refused
/// here, before a container is started, with an error that says what is supported.
public struct DockerJob: Sendable {
    public enum Step: Sendable {
        /// `os` selects how a test definition's `install.deps` are installed.
        case deploy(image: String, local: Bool, os: String?)
        case boot(command: [String])
        /// The test action's parameters as YAML, for the test-definition reader.
        case test(yaml: String)
    }

    public struct Action: Sendable {
        /// LAVA's action names: deploy-docker, boot-docker, lava-test-retry.
        public let name: String
        /// "1", "2", ...: the action's place in the pipeline.
        public let level: String
        public let timeout: Duration
        public let step: Step
    }

    public let id: Int
    public let definition: JobDefinition
    public let actions: [Action]
    /// `secrets`: exported in lava-run's environment and masked in the log.
    public let secrets: [(name: String, value: String)]
    /// `environment`: exported in the test shell.
    public let environment: [(name: String, value: String)]

    public init(id: Int, yaml: String) throws(JobError) {
        self.id = id
        do {
            definition = try JobDefinition(yaml: yaml)
        } catch {
            throw JobError(.job, "Invalid job definition: \(error)")
        }
        let root = (try? UntrustedYAML.compose(yaml))?.mapping ?? [:]
        secrets = try Self.pairs(root["secrets"], key: "secrets")
        environment = try Self.pairs(root["environment"], key: "environment")
        var actions: [Action] = []
        var booted = false
        for (index, action) in definition.actions.enumerated() {
            let level = String(index + 1)
            let timeout = action.timeout ?? definition.actionTimeout ?? definition.jobTimeout
            let parameters = (try? UntrustedYAML.compose(action.yaml))?.mapping ?? [:]
            let path = "actions[\(index)].\(action.kind.rawValue)"
            switch action.kind {
            case .deploy:
                actions.append(Action(name: "deploy-docker", level: level, timeout: timeout, step: try Self.deploy(parameters, at: path)))
            case .boot:
                booted = true
                actions.append(Action(name: "boot-docker", level: level, timeout: timeout, step: try Self.boot(parameters, at: path)))
            case .test:
                guard parameters["definitions"]?.sequence?.isEmpty == false else {
                    throw JobError(.job, "'\(path)': only test actions with 'definitions' are supported on docker devices "
                        + "(not 'monitors' or 'interactive')")
                }
                guard booted else {
                    throw JobError(.job, "'\(path)' comes before any boot: add '- boot: {method: docker, command: bash}' before it")
                }
                actions.append(Action(name: "lava-test-retry", level: level, timeout: timeout, step: .test(yaml: action.yaml)))
            case .command:
                throw JobError(.job, "'\(path)': 'command' actions need device commands, which docker devices do not have")
            }
        }
        self.actions = actions
    }

    private static func deploy(_ parameters: Node.Mapping, at path: String) throws(JobError) -> Step {
        guard parameters["to"]?.string == "docker" else {
            throw JobError(.job, "'\(path).to' is '\(parameters["to"]?.string ?? "")': docker devices deploy with 'to: docker'")
        }
        let os = parameters["os"]?.string
        if let name = parameters["image"]?.string, !name.isEmpty {
            return .deploy(image: name, local: false, os: os)
        }
        if let image = parameters["image"]?.mapping, let name = image["name"]?.string, !name.isEmpty {
            return .deploy(image: name, local: image["local"]?.bool ?? false, os: os)
        }
        throw JobError(.job, "'\(path).image' is required: an image name (image: debian:bookworm-slim) or {name: ..., local: true}")
    }

    private static func boot(_ parameters: Node.Mapping, at path: String) throws(JobError) -> Step {
        guard parameters["method"]?.string == "docker" else {
            throw JobError(.job, "'\(path).method' is '\(parameters["method"]?.string ?? "")': docker devices boot with 'method: docker'")
        }
        guard let command = parameters["command"]?.string, let words = ShellWords.split(command), !words.isEmpty else {
            throw JobError(.job, "'\(path).command' is required: the command the container runs, e.g. command: bash")
        }
        return .boot(command: words)
    }

    private static func pairs(_ node: Node?, key: String) throws(JobError) -> [(name: String, value: String)] {
        guard let node else { return [] }
        guard let mapping = node.mapping else {
            throw JobError(.job, "'\(key)' must be a mapping of names to values")
        }
        return mapping.compactMap { name, value in
            guard let name = name.string, let text = value.scalar?.string else { return nil }
            return (name, text)
        }
    }
}
