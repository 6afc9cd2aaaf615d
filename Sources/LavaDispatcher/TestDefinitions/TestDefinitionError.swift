/// Why a test definition could not be used. Each message names the definition and says how to fix it.
public enum TestDefinitionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An entry of the test action's `definitions` list is invalid; `index` is its position.
    case invalidEntry(index: Int, String)
    /// The definition could not be fetched (clone, download, decompression, extraction).
    case fetchFailed(name: String, String)
    /// A `from: url` archive is not a tar archive, or one GNU tar could read otherwise than the
    /// check before extraction does (unknown, repeated or conflicting headers, oversized records).
    case refusedArchive(name: String, url: String, String)
    /// A member of a `from: url` archive would land outside the test directory, or is a device,
    /// FIFO, set-user-ID file or a path written twice.
    case unsafeArchiveMember(name: String, member: String, reason: String)
    /// The test definition file at `path` is missing or is not a valid test definition.
    case invalidTestDefinitionFile(name: String, path: String, String)

    public var description: String {
        switch self {
        case .invalidEntry(let index, let problem):
            "test definition \(index): \(problem)"
        case .fetchFailed(let name, let problem):
            "test definition '\(name)': \(problem)"
        case .refusedArchive(let name, let url, let problem):
            "test definition '\(name)': the archive \(url) was refused: \(problem)"
        case .unsafeArchiveMember(let name, let member, let reason):
            "test definition '\(name)': the archive member '\(member)' \(reason), so extracting it could write "
                + "outside the test directory or leave something dangerous on the worker; the archive was refused: "
                + "rebuild it with relative member paths and links that stay inside "
                + "(e.g. tar -C <dir> -czf tests.tar.gz .)"
        case .invalidTestDefinitionFile(let name, let path, let problem):
            "test definition '\(name)': the file '\(path)' \(problem)"
        }
    }
}
