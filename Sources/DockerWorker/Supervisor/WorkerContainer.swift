/// A worker container this supervisor started (found again by its labels after a restart).
public struct WorkerContainer: Sendable, Equatable {
    public var id: String
    public var name: String
    /// Its lava-worker's version (the version label).
    public var version: String
    public var image: String
    public var isRunning: Bool
    /// Started by this supervisor (its whole output is logged), not adopted from an earlier one.
    public var startedHere: Bool

    public init(id: String, name: String, version: String, image: String, isRunning: Bool = true, startedHere: Bool = false) {
        self.id = id
        self.name = name
        self.version = version
        self.image = image
        self.isRunning = isRunning
        self.startedHere = startedHere
    }

    public var shortID: String { String(id.prefix(12)) }
}
