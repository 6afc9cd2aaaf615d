/// The body of every JSON error of the internal API: `{"error": "<text>"}` (spec §2.0).
public struct ErrorBody: Codable, Sendable, Equatable {
    public var error: String

    public init(error: String) {
        self.error = error
    }
}
