import Foundation

/// One file the installation writes, as it will be on disk.
public struct PlannedFile: Sendable, Equatable {
    public var path: String
    public var mode: mode_t
    public var content: String
}

/// What `install` writes, computed without touching the disk: the environment file, the token
/// file and the unit, and the command the unit will run.
public struct InstallPlan: Sendable, Equatable {
    public var paths: InstallPaths
    public var environmentFile: PlannedFile
    public var tokenFile: PlannedFile
    public var unitFile: PlannedFile

    /// Checks the user's input, which ends up in files systemd parses: anything that would
    /// split or escape a value there is refused. `image` is `--image`'s value, nil for LAVA's
    /// images; `dockerSocket` and `metricsAddress` are those options' values, nil for their defaults.
    public init(url: String, name: String, token: String, image: String? = nil, dockerSocket: String? = nil,
                metricsAddress: String? = nil, paths: InstallPaths = InstallPaths()) throws(InstallError) {
        guard let parsed = URLComponents(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
              parsed.host?.isEmpty == false, url.allSatisfy(Self.isSafe)
        else { throw .invalidURL(url) }
        guard Self.isWorkerName(name) else { throw .invalidName(name) }
        if let instance = paths.instance, !Self.isInstanceName(instance) { throw .invalidInstance(instance) }
        guard !token.isEmpty, token.allSatisfy(Self.isSafe) else { throw .invalidToken }
        if let image, image.isEmpty || !image.allSatisfy(Self.isSafe) { throw .invalidImage(image) }
        if let metricsAddress, metricsAddress.isEmpty || !metricsAddress.allSatisfy(Self.isSafe) {
            throw .invalidMetricsAddress(metricsAddress)
        }
        for path in [paths.environmentFile, paths.workerDirectory, paths.unitFile, paths.binary] + (dockerSocket.map { [$0] } ?? [])
        where !path.hasPrefix("/") || !path.allSatisfy(Self.isSafe) {
            throw .invalidPath(path)
        }

        self.paths = paths
        // The token stays out of the environment file, which every user may read.
        let settings = """

            # Written by `lava-docker-worker install`.
            URL="\(url)"
            WORKER_NAME="--name \(name)"
            TOKEN="--token-file \(paths.tokenFile)"
            WORKER_DIR="\(paths.workerDirectory)"

            """ + (image.map { "IMAGE=\"--image \($0)\"\n" } ?? "")
            + (dockerSocket.map { "DOCKER_SOCKET=\"--docker-socket \($0)\"\n" } ?? "")
            + (metricsAddress.map { "METRICS_ADDRESS=\"--metrics-address \($0)\"\n" } ?? "")
        let templates = paths.instance == nil
            ? (unit: UnitTemplates.unit, environment: UnitTemplates.environmentFile)
            : (unit: UnitTemplates.instanceUnit, environment: UnitTemplates.instanceEnvironmentFile)
        environmentFile = PlannedFile(path: paths.environmentFile, mode: 0o644, content: templates.environment + settings)
        tokenFile = PlannedFile(path: paths.tokenFile, mode: 0o600, content: token)
        unitFile = PlannedFile(
            path: paths.unitFile, mode: 0o644,
            content: templates.unit.replacingOccurrences(
                of: "ExecStart=\(UnitTemplates.defaultBinary) ", with: "ExecStart=\(paths.binary) "))
    }

    public var files: [PlannedFile] { [environmentFile, tokenFile, unitFile] }

    /// What systemd will run, to run the same by hand where systemd is not running.
    public var startCommand: [String] {
        // %i, the instance name in a template unit; a valid instance name needs no escaping.
        let unit = paths.instance.map { unitFile.content.replacingOccurrences(of: "%i", with: $0) } ?? unitFile.content
        return UnitCommandLine.arguments(unit: unit, environmentFile: environmentFile.content)
    }

    /// The server's rule for worker names.
    private static func isWorkerName(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    /// A worker name, thus nothing systemd would escape in %i, that starts with a letter or a
    /// digit, thus neither "." nor ".." in the paths made from it.
    static func isInstanceName(_ name: String) -> Bool {
        isWorkerName(name) && name.first.map { $0.isLetter || $0.isNumber } == true
    }

    /// Printable, and nothing that a systemd value or a shell word would treat specially.
    private static func isSafe(_ character: Character) -> Bool {
        character.isASCII && !character.isWhitespace && !"\"'\\$`;".contains(character)
            && character.asciiValue.map { $0 >= 0x20 && $0 < 0x7f } == true
    }
}
