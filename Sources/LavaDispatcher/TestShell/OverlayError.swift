/// The overlay could not be written.
public enum OverlayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A variable of `environment` or `secrets` cannot be assigned in sh.
    case invalidVariableName(String)
    /// A file or directory could not be written on the worker.
    case writeFailed(path: String, String)

    public var description: String {
        switch self {
        case .invalidVariableName(let name):
            "'\(name)' cannot be exported to the test shell: environment and secrets names must be letters, "
                + "digits and '_', not starting with a digit"
        case .writeFailed(let path, let problem):
            "cannot write the test overlay file \(path): \(problem)"
        }
    }
}
