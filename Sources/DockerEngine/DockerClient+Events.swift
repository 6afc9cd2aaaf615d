import Foundation

extension DockerClient {
    /// The engine's events from `since` (replaying past ones), or from this call, only those
    /// about objects with the given labels: a nil value matches any object with the key.
    /// `subscribed` is called once the engine has answered: nothing that happens from then on
    /// is missed. The stream runs until the iteration ends or its Task is cancelled.
    public func events(
        labels: [String: String?] = [:],
        since: Date? = nil,
        subscribed: @escaping @Sendable () -> Void = {}
    ) -> AsyncThrowingStream<DockerEvent, any Error> {
        eventStream(filters: ["label": EngineRequest.labelValues(labels)], since: since) { item in
            switch item {
            case .subscribed:
                subscribed()
                return nil
            case .event(let event):
                return event
            }
        }
    }

    /// What `eventFeed` yields: first that the engine has subscribed, then the events.
    enum EventFeedItem: Sendable {
        case subscribed
        case event(DockerEvent)
    }

    /// The events matching the engine's `filters` (`container`, `event`, `label`, ...) from this
    /// call on, led by `.subscribed` so a caller can wait for the engine before it acts.
    func eventFeed(filters: [String: [String]]) -> AsyncThrowingStream<EventFeedItem, any Error> {
        eventStream(filters: filters, since: nil) { $0 }
    }

    private func eventStream<Element: Sendable>(
        filters: [String: [String]],
        since: Date?,
        element: @escaping @Sendable (EventFeedItem) -> Element?
    ) -> AsyncThrowingStream<Element, any Error> {
        // The engine sends the head before it registers the subscriber (moby's getEvents flushes,
        // then subscribes), so an event between the two would be lost. Asking from the moment of
        // the call closes that gap: the engine replays, under the same lock as it subscribes,
        // what it logged since then. Its clock is this host's (the engine is on a local socket).
        let since = since ?? Date()
        return AsyncThrowingStream { continuation in
            let task = Task {
                do throws(DockerError) {
                    var query: [(name: String, value: String)] = [("since", Self.timestamp(since))]
                    if let filters = EngineRequest.filters(filters) { query.append(("filters", filters)) }
                    var request = EngineRequest(.get, "/events", query: query)
                    request.timeout = nil
                    let lines = Locked(LineSplitter())
                    try await connection.stream(request, onHead: { head in
                        if head.status < 300, let item = element(.subscribed) { continuation.yield(item) }
                    }) { bytes in
                        for line in lines.withLock({ $0.feed(bytes) }) where !line.isEmpty {
                            do {
                                let event = try JSONDecoder().decode(DockerEvent.self, from: Data(line))
                                if let item = element(.event(event)) { continuation.yield(item) }
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
