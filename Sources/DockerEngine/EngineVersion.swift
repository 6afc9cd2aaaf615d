/// What `GET /version` says about the engine.
public struct EngineVersion: Sendable, Equatable, Decodable {
    /// The engine's release, e.g. `20.10.24+dfsg1`.
    public var version: String
    /// The newest API the engine speaks, e.g. `1.41`.
    public var apiVersion: String
    /// The oldest API the engine still accepts.
    public var minAPIVersion: String?
    public var os: String
    public var arch: String
    public var kernelVersion: String?

    enum CodingKeys: String, CodingKey {
        case version = "Version"
        case apiVersion = "ApiVersion"
        case minAPIVersion = "MinAPIVersion"
        case os = "Os"
        case arch = "Arch"
        case kernelVersion = "KernelVersion"
    }
}
