/// How much a YAML document from outside may make its reader do. YAML aliases let a few hundred
/// bytes stand for billions of nodes once expanded ("billion laughs"), and Yams composes nested
/// collections recursively, so the size, the nesting depth and what aliases add are bounded
/// before anything is composed.
public struct YAMLLimits: Sendable, Equatable {
    /// The document's own size in bytes (UTF-8).
    public var maxBytes: Int
    /// Collections inside collections, counting those an alias brings in.
    public var maxDepth: Int
    /// Nodes that aliases add once expanded (an alias to a list of 3 scalars adds 4).
    public var maxAliasNodes: Int
    /// Scalar bytes that aliases add once expanded.
    public var maxAliasBytes: Int

    public init(maxBytes: Int, maxDepth: Int, maxAliasNodes: Int, maxAliasBytes: Int) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxAliasNodes = maxAliasNodes
        self.maxAliasBytes = maxAliasBytes
    }

    /// Job definitions, test definitions, device dictionaries, configuration and results metadata:
    /// far above what real ones use (a few hundred nodes, a handful of aliases), far below what
    /// would take the server more than a fraction of a second or a few MB.
    public static let document = YAMLLimits(
        maxBytes: 4 * 1024 * 1024, maxDepth: 100, maxAliasNodes: 100_000, maxAliasBytes: 4 * 1024 * 1024)

    /// One record of a log upload. A batch holds thousands of them and LAVA's writers never use
    /// aliases, so each may add little, or a batch would multiply the bound by its line count.
    public static let logRecord = YAMLLimits(
        maxBytes: 1024 * 1024, maxDepth: 100, maxAliasNodes: 100, maxAliasBytes: 16 * 1024)
}

/// A YAML document over one of its `YAMLLimits`; the message names the limit.
public struct YAMLLimitError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
