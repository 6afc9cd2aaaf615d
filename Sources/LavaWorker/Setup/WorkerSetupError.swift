/// A problem with the worker's own files or options (not with the server): the message says
/// what to fix.
public struct WorkerSetupError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
