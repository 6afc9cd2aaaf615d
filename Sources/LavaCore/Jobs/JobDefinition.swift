import Yams

/// The parts of a LAVA job definition the scheduler needs, validated as LAVA's submission schema
/// does (`lava_scheduler_app/schema.py`, `lava_common/schemas`; spec §6). Keys this type does not
/// read (`metadata`, `environment`, `notify`, the historic `compatibility`, ...) are accepted as
/// they are.
public struct JobDefinition: Sendable, Equatable {
    public let jobName: String
    public let deviceType: String
    /// 0...100; `high` is 100, `medium` (the default) 50, `low` 0.
    public let priority: Int
    /// `timeouts.job`: the whole job's limit.
    public let jobTimeout: Duration
    /// `timeouts.queue`: how long the job may wait to be scheduled.
    public let queueTimeout: Duration?
    /// `timeouts.action`: the limit of an action that sets none itself.
    public let actionTimeout: Duration?
    public let visibility: JobVisibility
    public let tags: [String]
    /// `worker`: the worker hostname the submitter asked for.
    public let requestedWorker: String?
    /// `device`: the device hostname the submitter asked for.
    public let requestedDevice: String?
    public let actions: [JobAction]
    /// `context`: the variables the device's templates are rendered with.
    public let context: JobContext

    private static let priorityNames = ["high": 100, "medium": 50, "low": 0]
    private static let timeoutKeys: Set<String> = ["job", "action", "actions", "connection", "connections", "queue"]

    public init(yaml: String) throws(JobDefinitionError) {
        let root: Node?
        do {
            root = try UntrustedYAML.compose(yaml)
        } catch let error as YAMLLimitError {
            throw JobDefinitionError("\(error)")
        } catch {
            throw JobDefinitionError("not valid YAML: \(error)")
        }
        guard let fields = root?.mapping else {
            throw JobDefinitionError("the document must be a YAML mapping with job_name, device_type, timeouts, "
                + "visibility and actions")
        }

        guard let nameNode = fields["job_name"] else {
            throw JobDefinitionError("'job_name' is required, e.g. job_name: docker smoke test")
        }
        guard let name = YAMLNodes.string(nameNode), (1 ... 200).contains(name.count) else {
            throw JobDefinitionError("'job_name' must be a string of 1 to 200 characters; quote it if it "
                + "looks like a number, e.g. job_name: \"2024\"")
        }
        jobName = name

        guard let deviceTypeNode = fields["device_type"] else {
            throw JobDefinitionError("'device_type' is required, e.g. device_type: docker "
                + "(multinode jobs are not supported)")
        }
        guard let deviceType = YAMLNodes.string(deviceTypeNode), (1 ... 200).contains(deviceType.count) else {
            throw JobDefinitionError("'device_type' must be a device type name of 1 to 200 characters, "
                + "e.g. device_type: docker")
        }
        self.deviceType = deviceType

        (jobTimeout, queueTimeout, actionTimeout) = try Self.timeouts(fields["timeouts"])
        visibility = try Self.visibility(fields["visibility"])
        priority = try Self.priority(fields["priority"])
        tags = try Self.tags(fields["tags"])
        if fields["secrets"] != nil, visibility == .public {
            throw JobDefinitionError("'secrets' cannot be used with visibility: public; use visibility: personal "
                + "or visibility: {group: [<group>]}")
        }
        requestedWorker = try Self.hostname(fields["worker"], key: "worker")
        requestedDevice = try Self.hostname(fields["device"], key: "device")
        actions = try Self.actions(fields["actions"])
        context = try JobContext(fields["context"])
    }

    private static func timeouts(_ node: Node?) throws(JobDefinitionError) -> (job: Duration, queue: Duration?, action: Duration?) {
        let example = "e.g. timeouts: {job: {minutes: 10}}"
        guard let node else { throw JobDefinitionError("'timeouts' is required, \(example)") }
        guard let timeouts = node.mapping else { throw JobDefinitionError("'timeouts' must be a mapping, \(example)") }
        for key in timeouts.keys {
            let name = key.scalar?.string ?? "\(key)"
            guard timeoutKeys.contains(name) else {
                throw JobDefinitionError("'timeouts.\(name)' is not a known timeout: use job, action, actions, "
                    + "connection, connections or queue")
            }
        }
        guard let job = timeouts["job"] else { throw JobDefinitionError("'timeouts.job' is required, \(example)") }
        if let value = timeouts["connection"] { _ = try JobTimeout.duration(value, at: "timeouts.connection") }
        for key in ["actions", "connections"] {
            guard let value = timeouts[key] else { continue }
            guard let named = value.mapping else {
                throw JobDefinitionError("'timeouts.\(key)' must map action names to timeouts, "
                    + "e.g. \(key): {lava-test-shell: {minutes: 3}}")
            }
            for (name, timeout) in named {
                _ = try JobTimeout.duration(timeout, at: "timeouts.\(key).\(name.scalar?.string ?? "\(name)")")
            }
        }
        return (try JobTimeout.duration(job, at: "timeouts.job"),
                try timeouts["queue"].map { (node) throws(JobDefinitionError) in
                    try JobTimeout.duration(node, at: "timeouts.queue")
                },
                try timeouts["action"].map { (node) throws(JobDefinitionError) in
                    try JobTimeout.duration(node, at: "timeouts.action")
                })
    }

    private static func visibility(_ node: Node?) throws(JobDefinitionError) -> JobVisibility {
        let forms = "public, personal or {group: [<group>, ...]}"
        guard let node else { throw JobDefinitionError("'visibility' is required: \(forms)") }
        switch YAMLNodes.string(node) {
        case "public": return .public
        case "personal": return .personal
        default: break
        }
        guard let mapping = node.mapping, mapping.count == 1, let groups = mapping["group"]?.sequence else {
            throw JobDefinitionError("'visibility' must be \(forms)")
        }
        let names = groups.compactMap(YAMLNodes.string)
        guard names.count == groups.count else {
            throw JobDefinitionError("'visibility.group' must be a list of group names, e.g. {group: [lab]}")
        }
        return .group(names)
    }

    private static func priority(_ node: Node?) throws(JobDefinitionError) -> Int {
        guard let node else { return 50 }
        if let name = YAMLNodes.string(node), let value = priorityNames[name] { return value }
        if YAMLNodes.tagName(node) == .int, let value = node.int, (0 ... 100).contains(value) { return value }
        throw JobDefinitionError("'priority' must be high, medium, low or a whole number from 0 to 100")
    }

    private static func tags(_ node: Node?) throws(JobDefinitionError) -> [String] {
        guard let node else { return [] }
        guard let items = node.sequence else {
            throw JobDefinitionError("'tags' must be a list of strings, e.g. tags: [docker]")
        }
        var tags: [String] = []
        for (index, item) in items.enumerated() {
            guard let tag = YAMLNodes.string(item) else {
                throw JobDefinitionError("'tags[\(index)]' must be a string, e.g. tags: [docker]")
            }
            tags.append(tag)
        }
        return tags
    }

    private static func hostname(_ node: Node?, key: String) throws(JobDefinitionError) -> String? {
        guard let node else { return nil }
        guard let name = YAMLNodes.string(node), !name.isEmpty else {
            throw JobDefinitionError("'\(key)' must be a \(key) hostname, e.g. \(key): \(key)-01")
        }
        return name
    }

    private static func actions(_ node: Node?) throws(JobDefinitionError) -> [JobAction] {
        let example = "e.g. actions: [{deploy: {to: docker, image: debian:trixie}}, {boot: {method: docker, "
            + "command: bash}}, {test: {definitions: [...]}}]"
        guard let items = node?.sequence, !items.isEmpty else {
            throw JobDefinitionError("'actions' is required and must be a non-empty list, \(example)")
        }
        var actions: [JobAction] = []
        for (index, item) in items.enumerated() {
            actions.append(try action(item, at: "actions[\(index)]"))
        }
        return actions
    }

    private static func action(_ node: Node, at path: String) throws(JobDefinitionError) -> JobAction {
        let kinds = JobAction.Kind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let entry = node.mapping, entry.count == 1, let (keyNode, body) = entry.first,
              let kind = keyNode.scalar.flatMap({ JobAction.Kind(rawValue: $0.string) }) else {
            throw JobDefinitionError("'\(path)' must be a mapping with exactly one key among \(kinds), "
                + "e.g. - boot: {method: docker, command: bash}")
        }
        let actionPath = "\(path).\(kind.rawValue)"
        guard let parameters = body.mapping else {
            throw JobDefinitionError("'\(actionPath)' must be a mapping of the action's parameters")
        }
        // The keys LAVA's submission schema requires for each kind of action.
        switch kind {
        case .deploy:
            guard YAMLNodes.string(parameters["to"]) != nil else {
                throw JobDefinitionError("'\(actionPath).to' is required, e.g. to: docker")
            }
        case .boot:
            guard YAMLNodes.string(parameters["method"]) != nil else {
                throw JobDefinitionError("'\(actionPath).method' is required, e.g. method: docker")
            }
        case .test:
            guard ["definitions", "monitors", "interactive"].contains(where: { parameters[$0] != nil }) else {
                throw JobDefinitionError("'\(actionPath)' needs 'definitions' (or 'monitors' or 'interactive'), "
                    + "e.g. definitions: [{from: git, repository: <url>, path: smoke.yaml, name: smoke}]")
            }
        case .command:
            guard YAMLNodes.string(parameters["name"]) != nil else {
                throw JobDefinitionError("'\(actionPath).name' is required: the name of a device command")
            }
        }
        let timeout = try parameters["timeout"].map { (node) throws(JobDefinitionError) in
            try JobTimeout.duration(node, at: "\(actionPath).timeout")
        }
        return JobAction(kind: kind, timeout: timeout, yaml: YAMLNodes.pythonDump(body))
    }
}
