import Foundation
import HTTPTypes
import HummingbirdWSClient
@testable import LavaServer
import LavaTestSupport
import Logging
import Testing

/// One of LAVA's event messages, split as LAVA 2023.01's lava-worker splits it
/// (`listen_for_events`): a JSON array of five strings, the last itself a JSON object.
struct EventMessage: Sendable {
    let topic: String
    let id: String
    let datetime: String
    let username: String
    let data: [String: any Sendable]

    init(_ text: String) throws {
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String], "not five strings: \(text)")
        try #require(fields.count == 5, "not five strings: \(text)")
        topic = fields[0]
        id = fields[1]
        datetime = fields[2]
        username = fields[3]
        data = try #require(try JSONSerialization.jsonObject(with: Data(fields[4].utf8)) as? [String: any Sendable], "data is not an object: \(text)")
    }

    var kind: String { topic.split(separator: ".").last.map(String.init) ?? "" }
    var state: String? { data["state"] as? String }
    var health: String? { data["health"] as? String }
    var job: Int? { data["job"] as? Int }
    var worker: String? { data["worker"] as? String }
    /// "testjob Scheduled", "device Reserved", "worker Offline": what a sequence is compared by.
    var summary: String { "\(kind) \(state ?? "?")" }
}

/// A real WebSocket client of the server's `/ws/`: what it receives, in order, until it stops.
final class EventClient: Sendable {
    private let task: Task<Void, any Error>
    let messages: AsyncStream<String>

    private init(task: Task<Void, any Error>, messages: AsyncStream<String>) {
        self.task = task
        self.messages = messages
    }

    /// Connects and returns once the server's bus counts `listeners` listeners (this one among them).
    static func connect(port: Int, headers: HTTPFields = [:], server: Server, listeners: Int = 1) async throws -> EventClient {
        try await connect(port: port, headers: headers, "the server to count \(listeners) listeners") {
            await server.events.waitForListeners(listeners)
        }
    }

    /// Connects and returns once `listening` does (it says when a server has the connection).
    static func connect(port: Int, headers: HTTPFields = [:], _ what: String, listening: @escaping @Sendable () async -> Void) async throws -> EventClient {
        let (messages, continuation) = AsyncStream<String>.makeStream()
        let task = Task {
            defer { continuation.finish() }
            let configuration = WebSocketClientConfiguration(additionalHeaders: headers)
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/ws/", configuration: configuration, logger: Logger(label: "event-client")) { inbound, _, _ in
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    if case .text(let text) = message { continuation.yield(text) }
                }
            }
        }
        try await within(30, what, listening)
        return EventClient(task: task, messages: messages)
    }

    /// The next `count` messages.
    func next(_ count: Int) async throws -> [EventMessage] {
        let messages = self.messages
        return try await within(30, "\(count) events") {
            var received: [EventMessage] = []
            for await text in messages {
                received.append(try EventMessage(text))
                if received.count == count { break }
            }
            return received
        }
    }

    func stop() {
        task.cancel()
    }
}
