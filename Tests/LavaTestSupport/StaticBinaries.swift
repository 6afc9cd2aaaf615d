import Foundation

/// The package's executables built with `--static-swift-stdlib` in `.build-static`, which the
/// images of docker/ carry. They are not built here (a test must not start a minutes-long build
/// behind the runner's back): scripts/test.sh builds them before `swift test`.
public enum StaticBinaries {
    static let scratchDirectory = PackageFiles.url(".build-static")
    /// The debug build's binaries, what scripts/test.sh and scripts/images.sh build.
    public static let directory = scratchDirectory.appendingPathComponent("debug")

    /// Fails, naming the commands that build them, unless all of `names` are built.
    public static func require(_ names: [String]) throws {
        let missing = names.filter { !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent($0).path) }
        guard !missing.isEmpty else { return }
        // One product per command: given several --product options, swift build builds only the last.
        let commands = missing.map { "swift build --static-swift-stdlib --product \($0) --scratch-path .build-static" }
        throw TestFailure("""
            \(missing.joined(separator: ", ")) missing from \(directory.path): build them first (scripts/test.sh does), \
            in \(PackageFiles.root.path): \(commands.joined(separator: " && "))
            """)
    }
}
