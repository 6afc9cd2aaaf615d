import Foundation

/// A test definition ready for the overlay: its directory on the worker holds the repository (or
/// archive, or inline file) and `file` is the parsed definition at `path`.
public struct FetchedTestDefinition: Sendable, Equatable {
    public let source: TestDefinitionSource
    public let directory: URL
    public let file: TestDefinitionFile
    /// The commit checked out, for `from: git` (the `commit_id` of the run's results record).
    public let commitID: String?

    public init(source: TestDefinitionSource, directory: URL, file: TestDefinitionFile, commitID: String?) {
        self.source = source
        self.directory = directory
        self.file = file
        self.commitID = commitID
    }

    /// Notes for the job log about parts of the definition this dispatcher ignores.
    public var notes: [String] { file.notes }
}
