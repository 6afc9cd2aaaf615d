import Foundation

/// Which worker versions the server accepts on ping (§2.2). LAVA compares the worker's version
/// with its own by exact string equality; the admin may also list extra versions to accept
/// during a rolling upgrade.
public enum VersionPolicy: Sendable, Equatable, CustomStringConvertible {
    /// Only the server's own version, as LAVA does.
    case exact
    /// The server's own version or any of these.
    case accept([String])

    public func accepts(worker: String, server: String) -> Bool {
        switch self {
        case .exact: worker == server
        case .accept(let versions): worker == server || versions.contains(worker)
        }
    }

    /// The versions accepted besides the server's own, as `GET /api/v0.2/system/version/` lists
    /// them; nil when there are none.
    public func extraVersions(server: String) -> [String]? {
        guard case .accept(let versions) = self else { return nil }
        let extra = versions.filter { $0 != server }
        return extra.isEmpty ? nil : extra
    }

    /// Reads the admin setting: `exact`, or a comma-separated list of versions such as
    /// `2023.01, 2024.09`.
    public init(parsing setting: String) throws(VersionPolicyError) {
        let trimmed = setting.trimmingCharacters(in: .whitespaces)
        if trimmed == "exact" {
            self = .exact
            return
        }
        var versions: [String] = []
        for item in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let version = item.trimmingCharacters(in: .whitespaces)
            guard !version.isEmpty else {
                throw VersionPolicyError("the version policy '\(setting)' has an empty entry: write 'exact' "
                    + "or versions separated by single commas, e.g. '2023.01, 2024.09'")
            }
            guard !version.contains(where: \.isWhitespace) else {
                throw VersionPolicyError("the version '\(version)' in the version policy contains a space: "
                    + "separate versions with commas, e.g. '2023.01, 2024.09'")
            }
            if !versions.contains(version) { versions.append(version) }
        }
        self = .accept(versions)
    }

    /// The setting text that `init(parsing:)` reads back. An empty list behaves like `exact`
    /// and is written that way.
    public var description: String {
        switch self {
        case .exact: "exact"
        case .accept(let versions): versions.isEmpty ? "exact" : versions.joined(separator: ", ")
        }
    }
}

/// An admin version-policy setting that cannot be read; the message says how to write it.
public struct VersionPolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
