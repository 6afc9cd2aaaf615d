/// An Engine API version such as `1.41`, ordered numerically (so 1.9 < 1.41).
public struct APIVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public init?(_ text: String) {
        let parts = text.split(separator: ".")
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        self.init(major: major, minor: minor)
    }

    /// The newest API this client is written against (Docker 20.10, Debian 12's engine).
    public static let preferred = APIVersion(major: 1, minor: 41)
    /// The oldest API with everything the client uses: `exec` takes its exit status from the
    /// `exec_die` event, which came with 1.36 (Docker 18.02; `HostConfig.Init` came with 1.25).
    public static let minimum = APIVersion(major: 1, minor: 36)

    /// The version to talk: ours unless the engine is older; raised to the engine's minimum when
    /// the engine no longer accepts ours (Docker 29 refuses anything below 1.44, and the calls
    /// used here kept their shape).
    public static func negotiate(engine: APIVersion, engineMinimum: APIVersion?) throws(DockerError) -> APIVersion {
        guard engine >= minimum else {
            throw .unsupportedEngine(apiVersion: engine.description, minimum: minimum.description)
        }
        let chosen = Swift.min(engine, preferred)
        if let engineMinimum, engineMinimum > chosen { return engineMinimum }
        return chosen
    }

    public static func < (lhs: APIVersion, rhs: APIVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    public var description: String { "\(major).\(minor)" }
}
