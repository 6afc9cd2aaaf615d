import Foundation

/// Debian's own lavacli (`/usr/bin/lavacli`, installed by scripts/install-deps.sh), run as a
/// user runs it: an identity in its own configuration directory, then commands.
public struct Lavacli: Sendable {
    public static let path = URL(fileURLWithPath: "/usr/bin/lavacli")

    /// Holds `lavacli.yaml` (XDG_CONFIG_HOME), so that no test reads or writes the user's own.
    public let configDirectory: URL

    public init() throws {
        configDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("lavacli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: configDirectory, withIntermediateDirectories: true)
    }

    public func remove() {
        try? FileManager.default.removeItem(at: configDirectory)
    }

    /// `lavacli identities add NAME --uri URI [--username U --token T]`.
    public func addIdentity(_ name: String, uri: String, username: String? = nil, token: String? = nil) async throws {
        var arguments = ["identities", "add", name, "--uri", uri]
        if let username { arguments += ["--username", username] }
        if let token { arguments += ["--token", token] }
        let result = try await run(arguments)
        guard result.status == 0 else { throw TestFailure("lavacli identities add failed (\(result.status)): \(result.error)\(result.output)") }
    }

    /// `lavacli -i IDENTITY ARGUMENTS…`: its exit status and outputs.
    public func run(_ identity: String, _ arguments: [String]) async throws -> (status: Int32, output: String, error: String) {
        try await run(["-i", identity] + arguments)
    }

    public func run(_ arguments: [String]) async throws -> (status: Int32, output: String, error: String) {
        guard FileManager.default.isExecutableFile(atPath: Self.path.path) else {
            throw TestFailure("\(Self.path.path) is missing: scripts/install-deps.sh installs Debian's lavacli")
        }
        return try await BuiltProgram.run(Self.path, arguments, environment: ["XDG_CONFIG_HOME": configDirectory.path, "NO_COLOR": "1"])
    }
}
