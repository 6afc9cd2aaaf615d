/// A problem with how the server was started (options, database, data directory): the message
/// says what to change.
public struct ServerSetupError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
