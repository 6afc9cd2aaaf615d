import LavaCore
import Yams

/// A job definition as people see it (REST): each value of `secrets` is `[MASKED]`. Only the
/// worker that runs the job gets the real values, through the job fetch; LAVA shows them to
/// anyone who may see the job.
enum SecretMasking {
    static let mask = "[MASKED]"

    static func shown(_ definition: String) -> String {
        // Most definitions have no secrets: no parse for them.
        guard definition.contains("secrets") else { return definition }
        guard let root = try? UntrustedYAML.compose(definition), var fields = root.mapping else {
            return "# The definition cannot be shown: it does not parse again as YAML.\n"
        }
        guard let secrets = fields["secrets"] else { return definition }
        if let pairs = secrets.mapping {
            fields["secrets"] = Node(pairs.map { ($0.key, Node(mask)) })
        } else {
            fields["secrets"] = Node(mask)
        }
        // Re-dumped, so comments and layout are lost, but only for definitions with secrets.
        return (try? Yams.serialize(node: .mapping(fields))) ?? "# The definition cannot be shown.\n"
    }
}
