/// What the parser needs to know about one run (`<n>_<name>`) to report it as LAVA does.
public struct TestRunDescription: Sendable, Equatable {
    public let runName: String
    public let repository: String
    public let path: String
    /// `revision` of a git definition; the results record says `unspecified` without one.
    public let revision: String?
    public let commitID: String?
    public let parsePattern: String?
    public let fixupdict: [String: String]
    /// Test cases the run must report: the job's `expected`, else the definition file's.
    public let expected: [String]

    public init(
        runName: String, repository: String, path: String, revision: String? = nil, commitID: String? = nil,
        parsePattern: String? = nil, fixupdict: [String: String] = [:], expected: [String] = []
    ) {
        self.runName = runName
        self.repository = repository
        self.path = path
        self.revision = revision
        self.commitID = commitID
        self.parsePattern = parsePattern
        self.fixupdict = fixupdict
        self.expected = expected
    }

    public init(_ definition: FetchedTestDefinition) {
        var revision: String?
        if case .git(let git) = definition.source.origin { revision = git.revision }
        self.init(
            runName: definition.source.runName, repository: definition.source.repositoryDescription,
            path: definition.source.path, revision: revision, commitID: definition.commitID,
            parsePattern: definition.file.parsePattern, fixupdict: definition.file.fixupdict,
            expected: definition.source.expected.isEmpty ? definition.file.expected : definition.source.expected)
    }
}
