import LavaCore
import Yams

/// A job definition as people see it (REST): each value of `secrets` is `[MASKED]`. Only the
/// worker that runs the job gets the real values, through the job fetch; LAVA shows them to
/// anyone who may see the job.
enum SecretMasking {
    static let mask = "[MASKED]"

    /// - Parameter visibility: a public job cannot have secrets (JobDefinition refuses them), so
    ///   its definition is shown as submitted without a parse. Any other is parsed, since a key
    ///   can be spelt many ways (`"secr\u0065ts"`).
    static func shown(_ definition: String, visibility: JobVisibilityKind) -> String {
        guard visibility != .public else { return definition }
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
