import LavaCore
import Yams

/// lava-run's environment from the server's `env` file (spec §3.5): the worker's own, or none
/// with `purge: true`; minus `removes`; plus `overrides`.
public enum JobEnvironment {
    public static func make(from yaml: String, inheriting base: [String: String]) throws(WorkerSetupError) -> [String: String] {
        guard !yaml.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return base }
        let root: Node?
        do {
            root = try UntrustedYAML.compose(yaml)
        } catch {
            throw WorkerSetupError("the server's env.yaml is not valid YAML: \(error)")
        }
        guard let settings = root?.mapping else { return base }
        var environment = settings["purge"]?.bool == true ? [:] : base
        for name in settings["removes"]?.sequence ?? [] {
            if let name = name.string { environment[name] = nil }
        }
        for (name, value) in settings["overrides"]?.mapping ?? [:] {
            guard let name = name.string else { continue }
            environment[name] = value.string ?? ""
        }
        return environment
    }
}
