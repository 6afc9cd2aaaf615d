import Foundation

extension DockerClient {
    /// Runs a command in a running container, hands its output to `output` while it runs, and
    /// returns its exit status. Cancelling the Task closes the stream; the command itself keeps
    /// running in the container (the engine has no way to kill an exec).
    public func exec(
        _ id: String,
        command: [String],
        environment: [String] = [],
        workingDirectory: String? = nil,
        user: String? = nil,
        output: @escaping @Sendable (OutputChunk) -> Void
    ) async throws(DockerError) -> Int {
        struct Create: Encodable {
            var cmd: [String]
            var env: [String]
            var workingDir: String?
            var user: String?
            var attachStdout = true
            var attachStderr = true
            var tty = false
            enum CodingKeys: String, CodingKey {
                case cmd = "Cmd", env = "Env", workingDir = "WorkingDir", user = "User"
                case attachStdout = "AttachStdout", attachStderr = "AttachStderr", tty = "Tty"
            }
        }
        struct Created: Decodable {
            var id: String
            enum CodingKeys: String, CodingKey { case id = "Id" }
        }
        struct Start: Encodable {
            var detach = false
            var tty = false
            enum CodingKeys: String, CodingKey { case detach = "Detach", tty = "Tty" }
        }
        struct Inspected: Decodable {
            var running: Bool
            var exitCode: Int?
            enum CodingKeys: String, CodingKey { case running = "Running", exitCode = "ExitCode" }
        }

        let create = try EngineRequest(.post, "/containers/\(EngineRequest.segment(id))/exec")
            .json(Create(cmd: command, env: environment, workingDir: workingDirectory, user: user))
        let execID = try await connection.send(create, notFound: .containerNotFound(id: id)).decode(Created.self).id

        // The engine answers 200 and then writes the multiplexed output on the hijacked
        // connection until the command ends, then closes it: read to the end of the stream.
        var start = try EngineRequest(.post, "/exec/\(EngineRequest.segment(execID))/start").json(Start())
        start.timeout = nil
        let demultiplexer = Locked(OutputDemultiplexer())
        try await connection.stream(start, notFound: .containerNotFound(id: id)) { bytes in
            for chunk in demultiplexer.withLock({ $0.feed(bytes) }) { output(chunk) }
        }

        // The stream can end a moment before the engine has recorded the exit code.
        let inspect = EngineRequest(.get, "/exec/\(EngineRequest.segment(execID))/json")
        for _ in 0..<100 {
            let state = try await connection.send(inspect).decode(Inspected.self)
            if !state.running, let exitCode = state.exitCode { return exitCode }
            do {
                try await Task.sleep(for: .milliseconds(50))
            } catch {
                throw .cancelled
            }
        }
        throw .invalidResponse(detail: "exec \(execID) in \(id) still running after its output ended")
    }
}
