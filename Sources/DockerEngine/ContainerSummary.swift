/// One entry of `GET /containers/json`.
public struct ContainerSummary: Sendable, Equatable {
    public var id: String
    /// Without the engine's leading `/`.
    public var names: [String]
    public var image: String
    public var imageID: String
    public var command: String
    /// `created`, `running`, `exited`, ...
    public var state: String
    /// Human text such as `Up 2 minutes` or `Exited (0) 5 seconds ago`.
    public var status: String
    public var labels: [String: String]
    /// Unix seconds.
    public var created: Int64
}

extension ContainerSummary: Decodable {
    private enum CodingKeys: String, CodingKey {
        case id = "Id", names = "Names", image = "Image", imageID = "ImageID", command = "Command"
        case state = "State", status = "Status", labels = "Labels", created = "Created"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        names = (try container.decodeIfPresent([String].self, forKey: .names) ?? []).map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }
        image = try container.decodeIfPresent(String.self, forKey: .image) ?? ""
        imageID = try container.decodeIfPresent(String.self, forKey: .imageID) ?? ""
        command = try container.decodeIfPresent(String.self, forKey: .command) ?? ""
        state = try container.decodeIfPresent(String.self, forKey: .state) ?? ""
        status = try container.decodeIfPresent(String.self, forKey: .status) ?? ""
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        created = try container.decodeIfPresent(Int64.self, forKey: .created) ?? 0
    }
}
