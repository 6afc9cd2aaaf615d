import Foundation

/// The LAVA version this build speaks, the one source of truth for every binary of the package
/// (LAVA keeps it in its VERSION file). Workers and servers compare these strings exactly.
public enum LavaVersion {
    /// The release this source tree is; bump it when tagging a release.
    public static let release = "2026.11"

    /// Environment variable that makes a binary report another version. Images built for a given
    /// version tag set it, and upgrade tests run the same binary "before" and "after" an upgrade.
    public static let overrideVariable = "LAVA_VERSION"

    /// The version this process reports: `LAVA_VERSION` when set and not empty, else `release`.
    public static var current: String {
        if let value = ProcessInfo.processInfo.environment[overrideVariable], !value.isEmpty {
            return value
        }
        return release
    }
}
