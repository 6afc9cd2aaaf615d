/// Why `lava-docker-worker install|uninstall` failed, each said with what the user can do.
public enum InstallError: Error, Equatable, CustomStringConvertible {
    case notRoot
    case invalidURL(String)
    case invalidName(String)
    case invalidInstance(String)
    case invalidToken
    case invalidImage(String)
    case invalidMetricsAddress(String)
    case invalidPath(String)
    case fileSystem(path: String, reason: String)
    case systemctlFailed(arguments: [String], status: Int32, output: String)

    public var description: String {
        switch self {
        case .notRoot:
            "installing a system service needs root: run as root (sudo lava-docker-worker …)"
        case .invalidURL(let url):
            "--url must be http(s)://<server>[:port]/ (got \"\(url)\")"
        case .invalidName(let name):
            "--name may only use letters, digits, '-', '_' and '.' (got \"\(name)\")"
        case .invalidInstance(let instance):
            "--instance must start with a letter or digit and use only letters, digits, '-', '_' and '.' (got \"\(instance)\")"
        case .invalidToken:
            "--token must be the worker token printed by `lava-server workers add` (one word, no spaces)"
        case .invalidImage(let image):
            "--image must be one word without quotes (got \"\(image)\")"
        case .invalidMetricsAddress(let address):
            "--metrics-address must be HOST:PORT, e.g. 127.0.0.1:9250 (got \"\(address)\")"
        case .invalidPath(let path):
            "\(path): paths must be absolute, without spaces or quotes"
        case .fileSystem(let path, let reason):
            "\(path): \(reason)"
        case .systemctlFailed(let arguments, let status, let output):
            // systemctl's output names the unit's status and journal to look at.
            "systemctl \(arguments.joined(separator: " ")) failed (status \(status)): \(output)"
        }
    }
}
