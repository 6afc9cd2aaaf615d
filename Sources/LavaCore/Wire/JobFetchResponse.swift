/// Answer to `GET /scheduler/internal/v1/jobs/<id>/` (spec §2.3): five YAML documents as strings,
/// empty when the server has no such file.
public struct JobFetchResponse: Codable, Sendable, Equatable {
    public var definition: String
    public var device: String
    public var dispatcher: String
    public var env: String
    public var envDUT: String

    enum CodingKeys: String, CodingKey {
        case definition, device, dispatcher, env
        case envDUT = "env-dut"
    }

    public init(definition: String, device: String, dispatcher: String = "", env: String = "", envDUT: String = "") {
        self.definition = definition
        self.device = device
        self.dispatcher = dispatcher
        self.env = env
        self.envDUT = envDUT
    }
}
