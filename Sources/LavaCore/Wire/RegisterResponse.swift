/// Answer to a worker registration, `POST /scheduler/internal/v1/workers/` (spec §2.1).
public struct RegisterResponse: Codable, Sendable, Equatable {
    public var name: String
    public var token: String

    public init(name: String, token: String) {
        self.name = name
        self.token = token
    }
}

/// Answer to a log upload (spec §2.5): how many records of the request were processed.
public struct LogUploadResponse: Codable, Sendable, Equatable {
    public var lineCount: Int

    enum CodingKeys: String, CodingKey {
        case lineCount = "line_count"
    }

    public init(lineCount: Int) {
        self.lineCount = lineCount
    }
}

/// Answer to `GET /api/v0.2/system/version/` (spec §2.6).
public struct VersionResponse: Codable, Sendable, Equatable {
    public var version: String

    public init(version: String) {
        self.version = version
    }
}
