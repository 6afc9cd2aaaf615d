import Foundation

extension DockerClient {
    /// The engine's events as they happen (from `since` when given, replaying past ones),
    /// only those about objects with the given labels: a nil value matches any object with the
    /// key. The stream runs until the iteration ends or its Task is cancelled.
    public func events(labels: [String: String?] = [:], since: Date? = nil) -> AsyncThrowingStream<DockerEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do throws(DockerError) {
                    var query: [(name: String, value: String)] = []
                    if let since { query.append(("since", Self.timestamp(since))) }
                    if let filters = EngineRequest.labelFilters(labels) { query.append(("filters", filters)) }
                    var request = EngineRequest(.get, "/events", query: query)
                    request.timeout = nil
                    let lines = Locked(LineSplitter())
                    try await connection.stream(request) { bytes in
                        for line in lines.withLock({ $0.feed(bytes) }) where !line.isEmpty {
                            do {
                                continuation.yield(try JSONDecoder().decode(DockerEvent.self, from: Data(line)))
                            } catch {
                                continuation.finish(throwing: DockerError.invalidResponse(detail: "event \(String(decoding: line, as: UTF8.self)): \(error)"))
                            }
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
}
