import Foundation

/// Where the server keeps its rows: the `--database` option, `sqlite:PATH` or `postgres://…`.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public init(parsing text: String) throws(ServerSetupError) {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else {
                throw ServerSetupError("--database sqlite: needs a file path, e.g. sqlite:/var/lib/lava-server/lava.sqlite3")
            }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else {
            throw ServerSetupError("--database '\(text)' is neither sqlite:PATH nor postgres://USER@HOST:PORT/DB")
        }
    }

    /// The embedded default: a SQLite file in the data directory.
    public static func defaultLocation(dataDirectory: String) -> DatabaseLocation {
        .sqlite(path: URL(fileURLWithPath: dataDirectory).appendingPathComponent("lava.sqlite3").path)
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): Self.redacted(url)
        }
    }

    /// A URL fit for logs: the password, if any, is hidden.
    private static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}
