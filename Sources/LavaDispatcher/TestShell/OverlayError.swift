/// The overlay could not be written.
public enum OverlayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A variable of `environment` or `secrets` cannot be assigned in sh.
    case invalidVariableName(String)
    /// A file or directory could not be written on the worker.
    case writeFailed(path: String, String)
    /// A fetched test definition holds something (a directory, a symlink on the way) where the
    /// overlay writes a file of its own: the job's fault, and nothing was written through it.
    case unsafePath(path: String, String)

    public var description: String {
        switch self {
        case .invalidVariableName(let name):
            "'\(name)' cannot be exported to the test shell: environment and secrets names must be letters, "
                + "digits and '_', not starting with a digit"
        case .writeFailed(let path, let problem):
            "cannot write the test overlay file \(path): \(problem)"
        case .unsafePath(let path, let problem):
            "cannot write the test overlay file \(path): it \(problem); the overlay writes testdef.yaml, uuid, "
                + "testdef_metadata, install.sh and run.sh into each test directory, so a fetched test definition "
                + "must not hold a directory of those names"
        }
    }
}
