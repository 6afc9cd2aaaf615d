import Foundation

/// Produces a definition's directory on the worker, whatever its `from`, and reads its test
/// definition file.
public struct TestDefinitionFetcher: Sendable {
    public let userAgent: String
    /// Limit for downloading one `from: url` archive.
    public let downloadTimeout: Duration

    public init(userAgent: String = "lava-run", downloadTimeout: Duration = .seconds(600)) {
        self.userAgent = userAgent
        self.downloadTimeout = downloadTimeout
    }

    /// Fetches `source` into `directory` (normally `Overlay.testDirectory(stage:runName:)`), which
    /// must not exist yet or be empty.
    public func fetch(_ source: TestDefinitionSource, into directory: URL) async throws(TestDefinitionError) -> FetchedTestDefinition {
        var commitID: String?
        switch source.origin {
        case .git(let git):
            commitID = try await GitFetcher().fetch(git, name: source.name, into: directory)
        case .inline(let yaml):
            try writeInline(yaml, source: source, into: directory)
        case .url(let archive):
            try await ArchiveFetcher(userAgent: userAgent, timeout: downloadTimeout)
                .fetch(archive, name: source.name, into: directory)
        }
        let file = try readDefinition(source, in: directory)
        return FetchedTestDefinition(source: source, directory: directory, file: file, commitID: commitID)
    }

    private func writeInline(_ yaml: String, source: TestDefinitionSource, into directory: URL) throws(TestDefinitionError) {
        let file = directory.appendingPathComponent(source.path)
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(yaml.utf8).write(to: file)
        } catch {
            throw .fetchFailed(name: source.name, "cannot write the inline definition to \(file.path): "
                + error.localizedDescription)
        }
    }

    private func readDefinition(_ source: TestDefinitionSource, in directory: URL) throws(TestDefinitionError) -> TestDefinitionFile {
        let file = directory.appendingPathComponent(source.path)
        // A symlink in the repository could point the definition file outside of it.
        let resolved = file.resolvingSymlinksInPath().path
        let root = directory.resolvingSymlinksInPath().path
        guard resolved.hasPrefix(root + "/") else {
            throw .invalidTestDefinitionFile(name: source.name, path: source.path,
                                             "resolves outside the repository: 'path' must name a file inside it")
        }
        guard let data = FileManager.default.contents(atPath: resolved) else {
            throw .invalidTestDefinitionFile(name: source.name, path: source.path,
                                             "does not exist in \(source.repositoryDescription): check 'path'")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .invalidTestDefinitionFile(name: source.name, path: source.path, "is not UTF-8 text")
        }
        return try TestDefinitionFile(yaml: text, name: source.name, path: source.path)
    }
}
