/// What went wrong talking to the Docker engine, phrased so the user knows what to do next.
public enum DockerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing listens at the socket path (dockerd not running, or the wrong path).
    case socketMissing(path: String)
    /// The socket exists but this user may not open it.
    case permissionDenied(path: String)
    /// The socket is there but the engine did not answer (hung, restarting, not an engine).
    case connectionFailed(path: String, detail: String)
    /// The engine's API is older than this client supports.
    case unsupportedEngine(apiVersion: String, minimum: String)
    /// The engine answered with an HTTP error; `message` is the engine's own explanation.
    case engine(status: Int, message: String)
    /// No such image locally (inspect, tag, remove, push) or in its registry (pull).
    case imageNotFound(reference: String, message: String)
    case containerNotFound(id: String)
    /// A pull, push or build reported an error in its progress stream (the HTTP status was 200).
    case operationFailed(operation: String, message: String)
    /// The build context could not be read or archived.
    case buildContext(path: String, detail: String)
    /// The engine's answer could not be understood.
    case invalidResponse(detail: String)
    /// The calling Task was cancelled and the request aborted.
    case cancelled

    public var description: String {
        switch self {
        case .socketMissing(let path):
            "no Docker engine at \(path): is dockerd running? (--docker-socket)"
        case .permissionDenied(let path):
            "permission denied on \(path): run as root or add the user to the docker group"
        case .connectionFailed(let path, let detail):
            "the Docker engine at \(path) did not answer (\(detail)): is dockerd running? (--docker-socket)"
        case .unsupportedEngine(let apiVersion, let minimum):
            "the Docker engine speaks API \(apiVersion) but at least \(minimum) is needed: upgrade Docker"
        case .engine(let status, let message):
            "the Docker engine answered HTTP \(status): \(message)"
        case .imageNotFound(let reference, let message):
            "image \(reference) not found: \(message)"
        case .containerNotFound(let id):
            "container \(id) not found: it was removed or never created"
        case .operationFailed(let operation, let message):
            "\(operation) failed: \(message)"
        case .buildContext(let path, let detail):
            "cannot archive the build context \(path): \(detail)"
        case .invalidResponse(let detail):
            "unexpected answer from the Docker engine: \(detail)"
        case .cancelled:
            "the request to the Docker engine was cancelled"
        }
    }
}
