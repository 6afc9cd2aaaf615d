/// What `GET /containers/{id}/json` says about a container, flattened to what a supervisor uses.
public struct ContainerInfo: Sendable, Equatable {
    public var id: String
    /// Without the engine's leading `/`.
    public var name: String
    /// The image as it was asked for (`Config.Image`), e.g. `debian:bookworm-slim`.
    public var image: String
    /// The image's id (`sha256:...`).
    public var imageID: String
    public var state: State
    public var labels: [String: String]
    public var environment: [String]
    public var command: [String]
    public var entrypoint: [String]
    public var hostname: String
    public var tty: Bool
    public var hostConfig: HostConfig

    public struct State: Sendable, Equatable, Decodable {
        /// `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`.
        public var status: String
        public var running: Bool
        public var exitCode: Int
        public var pid: Int
        public var oomKilled: Bool
        public var startedAt: String
        public var finishedAt: String

        enum CodingKeys: String, CodingKey {
            case status = "Status", running = "Running", exitCode = "ExitCode", pid = "Pid", oomKilled = "OOMKilled"
            case startedAt = "StartedAt", finishedAt = "FinishedAt"
        }
    }

    public struct HostConfig: Sendable, Equatable, Decodable {
        public var privileged: Bool
        public var networkMode: String
        public var binds: [String]
        public var initProcess: Bool
        public var autoRemove: Bool

        enum CodingKeys: String, CodingKey {
            case privileged = "Privileged", networkMode = "NetworkMode", binds = "Binds", initProcess = "Init", autoRemove = "AutoRemove"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            privileged = try container.decodeIfPresent(Bool.self, forKey: .privileged) ?? false
            networkMode = try container.decodeIfPresent(String.self, forKey: .networkMode) ?? ""
            binds = try container.decodeIfPresent([String].self, forKey: .binds) ?? []
            initProcess = try container.decodeIfPresent(Bool.self, forKey: .initProcess) ?? false
            autoRemove = try container.decodeIfPresent(Bool.self, forKey: .autoRemove) ?? false
        }
    }
}

extension ContainerInfo: Decodable {
    private enum CodingKeys: String, CodingKey {
        case id = "Id", name = "Name", imageID = "Image", state = "State", config = "Config", hostConfig = "HostConfig"
    }

    private struct Config: Decodable {
        var image: String?
        var labels: [String: String]?
        var env: [String]?
        var cmd: [String]?
        var entrypoint: [String]?
        var hostname: String?
        var tty: Bool?

        enum CodingKeys: String, CodingKey {
            case image = "Image", labels = "Labels", env = "Env", cmd = "Cmd", entrypoint = "Entrypoint", hostname = "Hostname", tty = "Tty"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        let rawName = try container.decode(String.self, forKey: .name)
        name = rawName.hasPrefix("/") ? String(rawName.dropFirst()) : rawName
        imageID = try container.decode(String.self, forKey: .imageID)
        state = try container.decode(State.self, forKey: .state)
        hostConfig = try container.decode(HostConfig.self, forKey: .hostConfig)
        // The engine sends null for empty lists and maps.
        let config = try container.decode(Config.self, forKey: .config)
        image = config.image ?? imageID
        labels = config.labels ?? [:]
        environment = config.env ?? []
        command = config.cmd ?? []
        entrypoint = config.entrypoint ?? []
        hostname = config.hostname ?? ""
        tty = config.tty ?? false
    }
}
