import Foundation

/// Files of this package's checkout that tests read as admins would: the units, the images'
/// Dockerfiles, server/'s deployment, the scripts.
public enum PackageFiles {
    /// The checkout's root: this file is Tests/LavaTestSupport/PackageFiles.swift.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `path`, relative to the checkout's root.
    public static func url(_ path: String) -> URL {
        root.appendingPathComponent(path)
    }
}
