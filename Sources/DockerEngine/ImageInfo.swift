import Foundation

/// What `GET /images/{name}/json` says about a local image.
public struct ImageInfo: Sendable, Equatable {
    /// `sha256:...`
    public var id: String
    public var repoTags: [String]
    /// `repository@sha256:...`: the manifest digest of each registry the image was pulled from or
    /// pushed to; none for an image built or loaded here and never pushed.
    public var repoDigests: [String]
    /// The image's labels (`LABEL` in its Dockerfile, `labels` at build).
    public var labels: [String: String]
    public var created: String?
    public var size: Int64?
}

extension ImageInfo: Decodable {
    private enum CodingKeys: String, CodingKey {
        case id = "Id", repoTags = "RepoTags", repoDigests = "RepoDigests", config = "Config", created = "Created", size = "Size"
    }

    private struct Config: Decodable {
        var labels: [String: String]?
        enum CodingKeys: String, CodingKey { case labels = "Labels" }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        // The engine sends null, not [], for images without tags or labels.
        repoTags = try container.decodeIfPresent([String].self, forKey: .repoTags) ?? []
        repoDigests = try container.decodeIfPresent([String].self, forKey: .repoDigests) ?? []
        labels = try container.decodeIfPresent(Config.self, forKey: .config)?.labels ?? [:]
        created = try container.decodeIfPresent(String.self, forKey: .created)
        size = try container.decodeIfPresent(Int64.self, forKey: .size)
    }
}
