/// What to create a container from: the `POST /containers/create` body in plain Swift.
public struct ContainerSpec: Sendable, Equatable {
    public var image: String
    /// The command; empty keeps the image's `CMD`.
    public var command: [String]
    /// nil keeps the image's `ENTRYPOINT`; `[]` clears it.
    public var entrypoint: [String]?
    /// `NAME=value` entries.
    public var environment: [String]
    public var labels: [String: String]
    public var hostname: String?
    public var workingDirectory: String?
    public var tty: Bool
    public var openStdin: Bool
    /// `source:destination[:ro]` bind mounts.
    public var binds: [String]
    public var privileged: Bool
    /// `host`, `none`, `bridge`, or a network's name; nil for the engine's default.
    public var networkMode: String?
    /// Run an init (tini) as PID 1, so signals reach the command and zombies are reaped.
    public var initProcess: Bool
    /// The engine removes the container when it exits.
    public var autoRemove: Bool
    /// `user`, `uid`, or `uid:gid`.
    public var user: String?
    public var devices: [DeviceMapping]
    public var capAdd: [String]
    /// Memory limit in bytes.
    public var memory: Int64?
    /// CPU limit in CPUs (e.g. 1.5).
    public var cpus: Double?
    /// `host`: the container sees the host's cgroup tree, its own cgroup at its place in it;
    /// `private`: its own cgroup as the root. nil for the engine's default (host on cgroup v1,
    /// private on v2).
    public var cgroupnsMode: String?
    /// `HostConfig.SecurityOpt`, e.g. `seccomp=<profile JSON>`; a privileged container ignores seccomp ones.
    public var securityOptions: [String] = []

    public init(
        image: String,
        command: [String] = [],
        entrypoint: [String]? = nil,
        environment: [String] = [],
        labels: [String: String] = [:],
        hostname: String? = nil,
        workingDirectory: String? = nil,
        tty: Bool = false,
        openStdin: Bool = false,
        binds: [String] = [],
        privileged: Bool = false,
        networkMode: String? = nil,
        initProcess: Bool = false,
        autoRemove: Bool = false,
        user: String? = nil,
        devices: [DeviceMapping] = [],
        capAdd: [String] = [],
        memory: Int64? = nil,
        cpus: Double? = nil,
        cgroupnsMode: String? = nil
    ) {
        self.image = image
        self.command = command
        self.entrypoint = entrypoint
        self.environment = environment
        self.labels = labels
        self.hostname = hostname
        self.workingDirectory = workingDirectory
        self.tty = tty
        self.openStdin = openStdin
        self.binds = binds
        self.privileged = privileged
        self.networkMode = networkMode
        self.initProcess = initProcess
        self.autoRemove = autoRemove
        self.user = user
        self.devices = devices
        self.capAdd = capAdd
        self.memory = memory
        self.cpus = cpus
        self.cgroupnsMode = cgroupnsMode
    }
}

/// A host device made visible in the container (`--device`).
public struct DeviceMapping: Sendable, Equatable, Codable {
    public var pathOnHost: String
    public var pathInContainer: String
    /// `r`, `w` and `m` (mknod), as in the device cgroup.
    public var cgroupPermissions: String

    public init(pathOnHost: String, pathInContainer: String? = nil, cgroupPermissions: String = "rwm") {
        self.pathOnHost = pathOnHost
        self.pathInContainer = pathInContainer ?? pathOnHost
        self.cgroupPermissions = cgroupPermissions
    }

    enum CodingKeys: String, CodingKey {
        case pathOnHost = "PathOnHost", pathInContainer = "PathInContainer", cgroupPermissions = "CgroupPermissions"
    }
}

extension ContainerSpec: Encodable {
    private enum CodingKeys: String, CodingKey {
        case image = "Image", command = "Cmd", entrypoint = "Entrypoint", environment = "Env", labels = "Labels"
        case hostname = "Hostname", workingDirectory = "WorkingDir", tty = "Tty", openStdin = "OpenStdin"
        case user = "User", hostConfig = "HostConfig"
    }

    private struct HostConfig: Encodable {
        var binds: [String]
        var privileged: Bool
        var networkMode: String?
        var initProcess: Bool
        var autoRemove: Bool
        var devices: [DeviceMapping]
        var capAdd: [String]
        var memory: Int64?
        var nanoCpus: Int64?
        var cgroupnsMode: String?
        var securityOptions: [String]?

        enum CodingKeys: String, CodingKey {
            case binds = "Binds", privileged = "Privileged", networkMode = "NetworkMode", initProcess = "Init"
            case autoRemove = "AutoRemove", devices = "Devices", capAdd = "CapAdd", memory = "Memory", nanoCpus = "NanoCpus"
            case cgroupnsMode = "CgroupnsMode", securityOptions = "SecurityOpt"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(image, forKey: .image)
        if !command.isEmpty { try container.encode(command, forKey: .command) }
        try container.encodeIfPresent(entrypoint, forKey: .entrypoint)
        try container.encode(environment, forKey: .environment)
        try container.encode(labels, forKey: .labels)
        try container.encodeIfPresent(hostname, forKey: .hostname)
        try container.encodeIfPresent(workingDirectory, forKey: .workingDirectory)
        try container.encode(tty, forKey: .tty)
        try container.encode(openStdin, forKey: .openStdin)
        try container.encodeIfPresent(user, forKey: .user)
        try container.encode(HostConfig(
            binds: binds, privileged: privileged, networkMode: networkMode, initProcess: initProcess,
            autoRemove: autoRemove, devices: devices, capAdd: capAdd, memory: memory,
            nanoCpus: cpus.map { Int64($0 * 1_000_000_000) }, cgroupnsMode: cgroupnsMode,
            securityOptions: securityOptions.isEmpty ? nil : securityOptions
        ), forKey: .hostConfig)
    }
}
