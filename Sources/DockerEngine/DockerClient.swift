import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A client for the Docker Engine API on its unix socket.
///
/// Calls are independent (each gets its own connection), so one client can be shared by
/// concurrent tasks; a long call (wait, logs, events, pull) does not hold up the others.
/// The API version is negotiated on the first call from `GET /version`. Cancelling the calling
/// Task aborts a call in flight with `DockerError.cancelled`.
public struct DockerClient: Sendable {
    public let socketPath: String
    let connection: EngineConnection

    /// Checks that the socket is there and usable by this user; nothing is sent yet.
    public init(socketPath: String = "/var/run/docker.sock") throws(DockerError) {
        var info = stat()
        guard stat(socketPath, &info) == 0 else { throw .socketMissing(path: socketPath) }
        guard access(socketPath, R_OK | W_OK) == 0 else { throw .permissionDenied(path: socketPath) }
        self.socketPath = socketPath
        connection = EngineConnection(socketPath: socketPath)
    }

    /// `GET /_ping`: the engine is up and answering.
    public func ping() async throws(DockerError) {
        let response = try await connection.send(EngineRequest(.get, "/_ping", query: []), versioned: false)
        guard String(decoding: response.body, as: UTF8.self) == "OK" else {
            throw .invalidResponse(detail: "/_ping answered \(String(decoding: response.body.prefix(100), as: UTF8.self))")
        }
    }

    /// The engine's release and API versions.
    public func version() async throws(DockerError) -> EngineVersion {
        try await connection.engineVersion()
    }

    /// The API version this client talks to the engine (negotiated on first use).
    public func apiVersion() async throws(DockerError) -> APIVersion {
        try await connection.apiVersion()
    }
}
