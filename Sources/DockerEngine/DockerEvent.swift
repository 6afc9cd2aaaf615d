import Foundation

/// One message of `GET /events`: something happened to a container, image, network, ...
public struct DockerEvent: Sendable, Equatable {
    /// `container`, `image`, `network`, `volume`, `daemon`, ...
    public var type: String
    /// `create`, `start`, `die`, `destroy`, `pull`, `exec_start: sh -c ...`, ...
    public var action: String
    /// The id of the container, image, ... it is about.
    public var actorID: String
    /// For containers: its labels, `name`, `image`, and for `die` the `exitCode`.
    public var attributes: [String: String]
    public var time: Date
}

extension DockerEvent: Decodable {
    private enum CodingKeys: String, CodingKey {
        case type = "Type", action = "Action", actor = "Actor", time, timeNano
    }

    private struct Actor: Decodable {
        var id: String?
        var attributes: [String: String]?
        enum CodingKeys: String, CodingKey { case id = "ID", attributes = "Attributes" }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decodeIfPresent(String.self, forKey: .type) ?? ""
        action = try container.decodeIfPresent(String.self, forKey: .action) ?? ""
        let actor = try container.decodeIfPresent(Actor.self, forKey: .actor)
        actorID = actor?.id ?? ""
        attributes = actor?.attributes ?? [:]
        if let nanoseconds = try container.decodeIfPresent(Int64.self, forKey: .timeNano) {
            time = Date(timeIntervalSince1970: Double(nanoseconds) / 1_000_000_000)
        } else {
            time = Date(timeIntervalSince1970: Double(try container.decodeIfPresent(Int64.self, forKey: .time) ?? 0))
        }
    }
}
