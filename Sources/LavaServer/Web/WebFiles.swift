import Foundation

/// Where the pages' templates (`templates/*.mustache`) and static files (`static/`) are: the
/// checkout's `server/` when run from it, else `/usr/share/lava-server` where the image and
/// packages install them; `--web-dir` names another.
public enum WebFiles {
    public static func defaultDirectory(currentDirectory: String = FileManager.default.currentDirectoryPath) -> URL? {
        let candidates = [
            URL(fileURLWithPath: currentDirectory, isDirectory: true).appendingPathComponent("server", isDirectory: true),
            URL(fileURLWithPath: "/usr/share/lava-server", isDirectory: true),
        ]
        return candidates.first { hasTemplates($0) }
    }

    static func hasTemplates(_ directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("templates/base.mustache").path)
    }
}
