import Foundation

extension DockerClient {
    /// The container's output since it started (or since `since`), and with `follow` everything
    /// it writes until it stops. Demultiplexed into stdout and stderr, except for a container
    /// with a TTY, whose output the engine does not frame: it all comes as stdout. Ending the
    /// iteration (or cancelling its Task) closes the connection.
    public func containerLogs(_ id: String, follow: Bool, since: Date? = nil) -> AsyncThrowingStream<OutputChunk, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do throws(DockerError) {
                    guard let info = try await inspectContainer(id) else { throw .containerNotFound(id: id) }
                    var query: [(name: String, value: String)] = [("stdout", "1"), ("stderr", "1"), ("follow", follow ? "1" : "0")]
                    if let since { query.append(("since", Self.timestamp(since))) }
                    var request = EngineRequest(.get, "/containers/\(EngineRequest.segment(id))/logs", query: query)
                    request.timeout = nil
                    let demultiplexer = Locked(OutputDemultiplexer())
                    try await connection.stream(request, notFound: .containerNotFound(id: id)) { bytes in
                        if info.tty {
                            continuation.yield(OutputChunk(stream: .stdout, bytes: bytes))
                        } else {
                            for chunk in demultiplexer.withLock({ $0.feed(bytes) }) { continuation.yield(chunk) }
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Unix seconds with nanoseconds, the form `since` takes.
    static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let nanoseconds = Int((date.timeIntervalSince1970 - seconds) * 1_000_000_000)
        return "\(Int(seconds))." + String(repeating: "0", count: 9 - String(nanoseconds).count) + String(nanoseconds)
    }
}
