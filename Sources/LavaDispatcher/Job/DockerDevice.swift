import LavaCore
import Yams

/// The device's docker options from its configuration (`actions.boot.methods.docker.options`,
/// what LAVA's docker.jinja2 renders from docker_cpus, docker_memory, docker_privileged, ...).
public struct DockerDevice: Sendable {
    public var hostname: String?
    public var cpus: Double = 0
    /// Bytes; 0 is no limit.
    public var memory: Int = 0
    public var privileged = false
    public var capabilities: [String] = []
    public var devices: [String] = []
    public var networks: [String] = []
    public var volumes: [String] = []
    /// Key `environment` of the device dictionary: exported in the test shell.
    public var environment: [(name: String, value: String)] = []

    public init(yaml: String, jobDeviceType: String) throws(JobError) {
        let root: Node.Mapping
        do {
            root = try UntrustedYAML.compose(yaml)?.mapping ?? [:]
        } catch {
            throw JobError(.configuration, "the device configuration is not valid YAML: \(error)")
        }
        guard let docker = root["actions"]?.mapping?["boot"]?.mapping?["methods"]?.mapping?["docker"] else {
            throw JobError(.configuration, "device type '\(jobDeviceType)' cannot run here: lava-run runs docker devices, and this "
                + "device's configuration has no actions.boot.methods.docker (give the device the docker device type)")
        }
        hostname = root["hostname"]?.string
        let options = docker.mapping?["options"]?.mapping ?? [:]
        cpus = options["cpus"]?.float ?? 0
        memory = try Self.bytes(options["memory"])
        privileged = options["privileged"]?.bool ?? false
        capabilities = Self.strings(options["capabilities"])
        devices = Self.strings(options["devices"])
        networks = Self.strings(options["networks"])
        volumes = Self.strings(options["volumes"])
        environment = (root["environment"]?.mapping ?? [:]).compactMap { name, value in
            guard let name = name.string, let text = value.scalar?.string else { return nil }
            return (name, text)
        }
    }

    /// docker's `--memory`: a number of bytes, or one with a unit as LAVA passes it on (`512m`, `2g`).
    private static func bytes(_ node: Node?) throws(JobError) -> Int {
        guard let node, let text = node.scalar?.string, !text.isEmpty else { return 0 }
        if let value = node.int { return max(0, value) }
        let units: [Character: Int] = ["b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30]
        let unit = text.last.map { Character($0.lowercased()) }
        guard let unit, let scale = units[unit], let amount = Int(text.dropLast()), amount >= 0,
              amount <= Int.max / scale else {
            throw JobError(.configuration, "the device's docker memory '\(text)' is not a size such as 536870912, 512m or 2g")
        }
        return amount * scale
    }

    private static func strings(_ node: Node?) -> [String] {
        node?.sequence?.compactMap(\.string) ?? []
    }
}
