import Foundation

/// Produces a definition's directory on the worker, whatever its `from`, and reads its test
/// definition file.
public struct TestDefinitionFetcher: Sendable {
    public let userAgent: String
    /// Limit for downloading one `from: url` archive.
    public let downloadTimeout: Duration
    /// Bytes one `from: url` archive may take, downloaded and decompressed.
    public let maxArchiveSize: Int

    /// A test definition file is a page of YAML; a bigger one is refused before it fills the job log.
    static let maxDefinitionSize = 4 << 20

    public init(userAgent: String = "lava-run", downloadTimeout: Duration = .seconds(600), maxArchiveSize: Int = 1 << 30) {
        self.userAgent = userAgent
        self.downloadTimeout = downloadTimeout
        self.maxArchiveSize = maxArchiveSize
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
            try await ArchiveFetcher(userAgent: userAgent, timeout: downloadTimeout, maxSize: maxArchiveSize)
                .fetch(archive, name: source.name, into: directory)
        }
        let file = try readDefinition(source, in: directory)
        return FetchedTestDefinition(source: source, directory: directory, file: file, commitID: commitID)
    }

    private func writeInline(_ yaml: String, source: TestDefinitionSource, into directory: URL) throws(TestDefinitionError) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try ConfinedPath(source.path, in: directory).create(Data(yaml.utf8))
        } catch {
            throw .fetchFailed(name: source.name, "cannot write the inline definition to \(source.path) in "
                + "\(directory.path): \(error)")
        }
    }

    private func readDefinition(_ source: TestDefinitionSource, in directory: URL) throws(TestDefinitionError) -> TestDefinitionFile {
        let data: Data
        do throws(ConfinedPath.Problem) {
            // A symlink of the repository may lead to another file inside it, never outside.
            data = try ConfinedPath(source.path, in: directory).resolvingSymlinks().contents(limit: Self.maxDefinitionSize)
        } catch .missing {
            throw .invalidTestDefinitionFile(name: source.name, path: source.path,
                                             "does not exist in \(source.repositoryDescription): check 'path'")
        } catch .refused(let reason) {
            throw .invalidTestDefinitionFile(name: source.name, path: source.path,
                                             "\(reason): 'path' must name a file inside the repository")
        } catch {
            throw .fetchFailed(name: source.name, "cannot read \(source.path) in \(directory.path): \(error)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .invalidTestDefinitionFile(name: source.name, path: source.path, "is not UTF-8 text")
        }
        return try TestDefinitionFile(yaml: text, name: source.name, path: source.path)
    }
}
