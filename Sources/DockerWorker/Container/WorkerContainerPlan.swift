import DockerEngine
import Foundation

/// The worker container as LAVA's lava-docker-worker runs it (spec §8.5): privileged, host
/// network, an init, hostname `docker-<fqdn>` (`docker-<hostname>` with `--name`), the host
/// paths a worker needs mounted at the same path, labelled so that a restarted supervisor finds
/// it again. The token reaches it as a file in a mounted directory: never on the command line,
/// never in the container's config.
public struct WorkerContainerPlan: Sendable {
    public static let supervisorLabel = "org.lavasoftware.lava-docker-worker.name"
    public static let versionLabel = "org.lavasoftware.lava-docker-worker.version"
    /// The label a worker image lists its lava-worker's long options in.
    public static let optionsLabel = "org.lavasoftware.lava-worker.options"

    public let settings: SupervisorSettings

    public init(settings: SupervisorSettings) {
        self.settings = settings
    }

    /// LAVA's name, `lava-worker-<version>-<5 hex digits>`.
    public func containerName(version: String) -> String {
        let suffix = (0 ..< 5).map { _ in String("0123456789abcdef".randomElement() ?? "0") }.joined()
        return "lava-worker-\(version.replacingOccurrences(of: "+", with: "."))-\(suffix)"
    }

    /// - Parameter acceptedOptions: the long options the image's lava-worker takes; options
    ///   beyond LAVA's first ones are passed only when listed.
    public func spec(image: String, version: String, acceptedOptions: Set<String>) -> ContainerSpec {
        var spec = ContainerSpec(image: image, command: command(acceptedOptions: acceptedOptions))
        spec.privileged = true
        spec.networkMode = "host"
        spec.initProcess = true
        spec.hostname = "docker-\(settings.hostName)"
        spec.binds = mounts().map(\.bind)
        spec.labels = [Self.supervisorLabel: settings.name, Self.versionLabel: version]
        return spec
    }

    /// `lava-worker --exit-on-version-mismatch --wait-jobs --log-file - ...`.
    func command(acceptedOptions: Set<String>) -> [String] {
        var command = ["lava-worker", "--exit-on-version-mismatch", "--wait-jobs", "--log-file", "-",
                       "--name", settings.name, "--url", settings.url, "--worker-dir", settings.workerDirectory,
                       "--token-file", settings.tokenFile, "--http-timeout", String(settings.httpTimeout),
                       "--ping-interval", String(settings.pingInterval), "--job-log-interval", String(settings.jobLogInterval)]
        if let wsURL = settings.wsURL, acceptedOptions.contains("--ws-url") { command += ["--ws-url", wsURL] }
        if let level = settings.level, acceptedOptions.contains("--level") { command += ["--level", level] }
        if acceptedOptions.contains("--seccomp") { command += ["--seccomp", settings.seccomp] }
        return command
    }

    /// LAVA's list (spec §8.5), the paths that do not exist on this host left out, then `--mount`s.
    /// `exists` answers for the host (a test gives another host).
    func mounts(exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> [WorkerMount] {
        var mounts = [WorkerMount(source: settings.workerDirectory)]
        let tokenDirectory = URL(fileURLWithPath: settings.tokenFile).deletingLastPathComponent().path
        if !settings.tokenFile.hasPrefix(settings.workerDirectory + "/") {
            mounts.append(WorkerMount(source: tokenDirectory, readOnly: true))
        }
        for path in ["/var/lib/lava/dispatcher/tmp", "/srv/tftp", "/run/udev", "/dev"] where exists(path) {
            mounts.append(WorkerMount(source: path))
        }
        // lava-run inside finds the engine at the usual place, wherever it is on the host.
        mounts.append(WorkerMount(source: settings.dockerSocket, destination: "/var/run/docker.sock"))
        for path in ["/boot", "/lib/modules"] where exists(path) {
            mounts.append(WorkerMount(source: path, readOnly: true))
        }
        for path in ["/usr/share/lava-docker-worker", "/usr/local/share/lava-docker-worker"] where exists(path) {
            mounts.append(WorkerMount(source: path))
        }
        if let file = seccompFile { mounts.append(WorkerMount(source: file, readOnly: true)) }
        return mounts + settings.mounts
    }

    /// The `--seccomp` file, when it is one.
    var seccompFile: String? {
        ["default", "off"].contains(settings.seccomp) ? nil : settings.seccomp
    }

    /// The options an image's lava-worker takes, from its label; nil when the image has none.
    public static func acceptedOptions(labels: [String: String]) -> Set<String>? {
        labels[optionsLabel].map { Set($0.split(separator: " ").map(String.init)) }
    }

    /// The options in a `lava-worker --help` text: the fallback for images without the label.
    public static func acceptedOptions(help: String) -> Set<String> {
        var options: Set<String> = []
        for word in help.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "[" || $0 == "]" || $0 == "=" }) {
            if word.hasPrefix("--"), word.count > 2, word.dropFirst(2).allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
                options.insert(String(word))
            }
        }
        return options
    }
}
