/// How much one render may make the server do: the device dictionary comes from an admin's
/// input and may be anything, so every size, depth and amount of work is bounded.
public struct TemplateLimits: Sendable, Equatable {
    /// Bytes of one template's source (the dictionary or any template it extends).
    public var maxSourceBytes: Int
    /// Nested statements and expressions within one template.
    public var maxNesting: Int
    /// Templates in one `extends` chain, the dictionary included.
    public var maxExtendsDepth: Int
    /// Bytes of the rendered text, and of any one string made on the way.
    public var maxOutputBytes: Int
    /// Units of work (statements, expressions, loop iterations, elements visited).
    public var maxSteps: Int
    /// Elements of one list or dictionary made while rendering.
    public var maxCollectionCount: Int

    public init(maxSourceBytes: Int, maxNesting: Int, maxExtendsDepth: Int, maxOutputBytes: Int, maxSteps: Int, maxCollectionCount: Int) {
        self.maxSourceBytes = maxSourceBytes
        self.maxNesting = maxNesting
        self.maxExtendsDepth = maxExtendsDepth
        self.maxOutputBytes = maxOutputBytes
        self.maxSteps = maxSteps
        self.maxCollectionCount = maxCollectionCount
    }

    /// Far above LAVA's templates (the largest is 20 KB, nested 10 deep, a render takes some
    /// thousand steps), far below what would take the server more than a second or a few MB.
    public static let standard = TemplateLimits(
        maxSourceBytes: 1024 * 1024, maxNesting: 100, maxExtendsDepth: 20,
        maxOutputBytes: 4 * 1024 * 1024, maxSteps: 5_000_000, maxCollectionCount: 1_000_000)
}
