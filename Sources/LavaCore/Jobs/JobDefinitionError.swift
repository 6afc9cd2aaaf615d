/// A job definition LAVA would refuse; the message names the key and shows a valid form.
public struct JobDefinitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    init(_ problem: String) {
        description = "job definition: " + problem
    }
}
