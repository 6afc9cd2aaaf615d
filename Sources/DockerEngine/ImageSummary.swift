/// One entry of `GET /images/json`.
public struct ImageSummary: Sendable, Equatable {
    public var id: String
    public var repoTags: [String]
    public var labels: [String: String]
    /// Unix seconds.
    public var created: Int64
    public var size: Int64
}

extension ImageSummary: Decodable {
    private enum CodingKeys: String, CodingKey {
        case id = "Id", repoTags = "RepoTags", labels = "Labels", created = "Created", size = "Size"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        repoTags = try container.decodeIfPresent([String].self, forKey: .repoTags) ?? []
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        created = try container.decodeIfPresent(Int64.self, forKey: .created) ?? 0
        size = try container.decodeIfPresent(Int64.self, forKey: .size) ?? 0
    }
}
