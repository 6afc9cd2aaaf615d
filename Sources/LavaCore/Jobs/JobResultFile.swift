import Yams

/// `result.yaml` in a job's output directory (spec §3.5): how the job ended. lava-run writes it,
/// lava-worker writes it for a job that could not start, and lava-worker reads it for the
/// FINISHED report; this type is the one place that knows its format.
public struct JobResultFile: Sendable, Equatable {
    public static let name = "result.yaml"

    public var passed: Bool
    public var errorMessage: String?
    /// LAVA's `error_type`: Infrastructure, Job, Test, Bug, Configuration, Canceled.
    public var errorType: String?

    public init(passed: Bool, errorMessage: String? = nil, errorType: String? = nil) {
        self.passed = passed
        self.errorMessage = errorMessage
        self.errorType = errorType
    }

    /// `{definition: lava, case: job, result: pass|fail[, error_msg, error_type]}`.
    public var yaml: String {
        var pairs: [(Node, Node)] = [(Node("definition"), Node("lava")), (Node("case"), Node("job")),
                                     (Node("result"), Node(passed ? "pass" : "fail"))]
        if let errorMessage { pairs.append((Node("error_msg"), Node(errorMessage, Tag(.str), .doubleQuoted))) }
        if let errorType { pairs.append((Node("error_type"), Node(errorType, Tag(.str), .doubleQuoted))) }
        return (try? Yams.serialize(node: Node(pairs))) ?? "{definition: lava, case: job, result: fail}\n"
    }

    /// Reads what lava-run left (untrusted: a job's process may have written it); nil when it is
    /// not a YAML mapping. A result other than `pass` is a failure.
    public init?(yaml text: String) {
        guard let mapping = (try? UntrustedYAML.compose(text))?.mapping else { return nil }
        passed = mapping["result"]?.string == "pass"
        errorMessage = mapping["error_msg"]?.string
        errorType = mapping["error_type"]?.string
    }
}
