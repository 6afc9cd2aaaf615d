/// One entry of a job's `actions` list.
public struct JobAction: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case deploy
        case boot
        case test
        case command
    }

    public let kind: Kind
    /// The action's own `timeout`, when it sets one.
    public let timeout: Duration?
    /// The action's parameters (the mapping under `deploy:`, `boot:`, ...) as block YAML, for the
    /// code that runs the action to decode.
    public let yaml: String

    public init(kind: Kind, timeout: Duration?, yaml: String) {
        self.kind = kind
        self.timeout = timeout
        self.yaml = yaml
    }
}
