import Yams

/// A `name='value'` shell assignment: at the top of `run.sh` (a test definition's `params`, or
/// the values a job gives in a definition entry's `parameters`), or in the overlay's
/// `environment` file.
public struct ShellParameter: Sendable, Equatable {
    public let name: String
    public let value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Reads a `params`/`parameters` mapping. Names must be shell variable names since they are
    /// assigned in `run.sh`; values must be scalars.
    static func list(_ node: Node?, describe: String) -> Result<[ShellParameter], ParameterProblem> {
        guard let node else { return .success([]) }
        guard let mapping = node.mapping else {
            return .failure(ParameterProblem("'\(describe)' must be a mapping of variable names to values, "
                + "e.g. \(describe): {ITERATIONS: 10}"))
        }
        var parameters: [ShellParameter] = []
        for (keyNode, valueNode) in mapping {
            let name = YAMLValue.key(keyNode)
            guard isShellName(name) else {
                return .failure(ParameterProblem("'\(describe).\(name)' is not a shell variable name: use letters, "
                    + "digits and '_', not starting with a digit"))
            }
            // A null value is an empty string for the test, as `name=''`.
            let value = YAMLValue.tag(valueNode) == .null ? "" : YAMLValue.text(valueNode)
            guard let value else {
                return .failure(ParameterProblem("'\(describe).\(name)' must be a single value (a string or a "
                    + "number), not a list or a mapping"))
            }
            parameters.append(ShellParameter(name: name, value: value))
        }
        return .success(parameters)
    }

    static func isShellName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, !("0" ... "9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0 == "_" || ("a" ... "z").contains($0) || ("A" ... "Z").contains($0) || ("0" ... "9").contains($0))
        }
    }

    struct ParameterProblem: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }
}
