import DockerEngine
import LavaClient

/// What stops the supervisor, each with the exit status `lava-docker-worker --help` documents and
/// a one-line message that says what to do.
public enum SupervisorError: Error, Sendable, Equatable, CustomStringConvertible {
    case docker(DockerError)
    case notLAVA(url: String)
    case invalidURL(String)
    case unsupportedArchitecture(String)
    case buildFailed(String)
    case setup(String)

    public var description: String {
        switch self {
        case .docker(let error): "\(error)"
        case .notLAVA(let url): "\(url) is not a LAVA server: its /api/v0.2/system/version/ has no version (check --url)"
        case .invalidURL(let url): "'\(url)' is not an http:// or https:// URL of a LAVA server (--url)"
        case .unsupportedArchitecture(let machine): "no LAVA worker images exist for \(machine); give one with --image"
        case .buildFailed(let detail): "the customised image from --build-dir did not build: \(detail)"
        case .setup(let detail): detail
        }
    }

    /// Distinct per cause so that systemd and scripts can tell them apart.
    public var exitStatus: Int32 {
        switch self {
        case .docker(.socketMissing), .docker(.connectionFailed): 69 // EX_UNAVAILABLE
        case .docker(.permissionDenied): 77 // EX_NOPERM
        case .docker: 70 // EX_SOFTWARE
        case .notLAVA, .invalidURL: 64 // EX_USAGE
        case .unsupportedArchitecture: 64
        case .buildFailed: 65 // EX_DATAERR
        case .setup: 78 // EX_CONFIG
        }
    }
}
