import Foundation

extension DockerClient {
    /// Runs a command in a running container, hands its output to `output` while it runs, and
    /// returns its exit status, which the engine reports in an `exec_die` event (engines since
    /// moby PR 35744, early 2018). Cancelling the Task closes the output and event streams; the
    /// command itself keeps running in the container (the engine has no way to kill an exec).
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

        // Subscribe to this container's exec_die events before the exec exists, so the one that
        // ends it cannot be missed; the engine records no exec_die for a command that never started.
        var exits = eventFeed(filters: ["type": ["container"], "container": [id], "event": ["exec_die"]]).makeAsyncIterator()
        guard case .subscribed = try await Self.next(&exits) else {
            throw .invalidResponse(detail: "the event stream for \(id) ended before the engine subscribed it")
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

        // A command that could not start has its status (126, 127) already; one that ran may
        // end its output a moment before the engine handles its exit, which exec_die then reports.
        let state = try await connection.send(EngineRequest(.get, "/exec/\(EngineRequest.segment(execID))/json")).decode(Inspected.self)
        if !state.running, let exitCode = state.exitCode { return exitCode }
        while let item = try await Self.next(&exits) {
            guard case .event(let event) = item, event.attributes["execID"] == execID else { continue }
            guard let text = event.attributes["exitCode"], let exitCode = Int(text) else {
                throw .invalidResponse(detail: "exec_die of \(execID) in \(id) without an exit code: \(event.attributes)")
            }
            return exitCode
        }
        if Task.isCancelled { throw .cancelled }
        throw .connectionFailed(path: connection.socketPath, detail: "the event stream ended before exec \(execID) in \(id) did")
    }

    /// The next item of an event feed, its errors typed.
    private static func next(_ feed: inout AsyncThrowingStream<EventFeedItem, any Error>.Iterator) async throws(DockerError) -> EventFeedItem? {
        do {
            return try await feed.next()
        } catch let error as DockerError {
            throw error
        } catch {
            throw .invalidResponse(detail: "event stream: \(error)")
        }
    }
}
