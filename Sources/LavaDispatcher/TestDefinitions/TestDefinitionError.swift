/// Why a test definition could not be used. Each message names the definition and says how to fix it.
public enum TestDefinitionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An entry of the test action's `definitions` list is invalid; `index` is its position.
    case invalidEntry(index: Int, String)
    /// The definition could not be fetched (clone, download, decompression, extraction).
    case fetchFailed(name: String, String)
    /// A member of a `from: url` archive would land outside the test directory.
    case unsafeArchiveMember(name: String, member: String, reason: String)
    /// The test definition file at `path` is missing or is not a valid test definition.
    case invalidTestDefinitionFile(name: String, path: String, String)

    public var description: String {
        switch self {
        case .invalidEntry(let index, let problem):
            "test definition \(index): \(problem)"
        case .fetchFailed(let name, let problem):
            "test definition '\(name)': \(problem)"
        case .unsafeArchiveMember(let name, let member, let reason):
            "test definition '\(name)': the archive member '\(member)' \(reason), so it would be written "
                + "outside the test directory; the archive was refused: rebuild it with relative member paths "
                + "(e.g. tar -C <dir> -czf tests.tar.gz .)"
        case .invalidTestDefinitionFile(let name, let path, let problem):
            "test definition '\(name)': the file '\(path)' \(problem)"
        }
    }
}
