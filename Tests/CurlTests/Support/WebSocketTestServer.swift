import Foundation
import HTTPTypes
import Hummingbird
import LavaTestSupport
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket

/// A real WebSocket server (Hummingbird's, on SwiftNIO) on loopback, for the NIO-free client to
/// talk to; each path does one thing. `ended` yields a path when the server sees its client go.
final class WebSocketTestServer: Sendable {
    let port: Int
    let ended: AsyncStream<String>
    private let task: Task<Void, any Error>

    /// The large message `/large` sends, in frames of 16 KiB.
    static let large = String(repeating: "0123456789abcdef", count: 40_000)
    /// More than the client's default limit of 1 MiB.
    static let huge = String(repeating: "x", count: 2 << 20)

    private init(port: Int, ended: AsyncStream<String>, task: Task<Void, any Error>) {
        self.port = port
        self.ended = ended
        self.task = task
    }

    var url: String { "ws://127.0.0.1:\(port)" }

    /// `autoPing`: the server pings this often and drops a client that does not answer.
    static func start(autoPing: Duration? = nil) async throws -> WebSocketTestServer {
        let (ended, endedContinuation) = AsyncStream<String>.makeStream()
        let (ports, portFound) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "websocket-test-server")
        logger.logLevel = .critical
        let configuration = WebSocketServerConfiguration(autoPing: autoPing.map { .enabled(timePeriod: $0) } ?? .disabled)
        let app = Application(
            router: Router(),
            server: .http1WebSocketUpgrade(configuration: .init(ws: configuration)) { request, _, _ in
                let path = request.path ?? ""
                let host = request.headerFields[HTTPField.Name("LAVA-Host")!] ?? "anonymous"
                guard ["/hello", "/fragments", "/large", "/huge", "/silent", "/pinged"].contains(path) else { return .dontUpgrade }
                return .upgrade([:]) { inbound, outbound, _ in
                    defer { endedContinuation.yield(path) }
                    try await Self.serve(path, host: host, inbound: inbound, outbound: outbound)
                }
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portFound.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let task = Task { try await app.runService() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw TestFailure("the WebSocket test server did not start")
        }
        return WebSocketTestServer(port: port, ended: ended, task: task)
    }

    private static func serve(_ path: String, host: String, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        switch path {
        case "/hello":
            try await outbound.write(.text("hello \(host)"))
            try await outbound.close(.normalClosure, reason: "bye")
        case "/fragments":
            // A text message in three fragments with a ping between them, then a binary one.
            try await outbound.write(.custom(WebSocketFrame(fin: false, opcode: .text, data: ByteBuffer(string: "frag"))))
            try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(string: "between"))))
            try await outbound.write(.custom(WebSocketFrame(fin: false, opcode: .continuation, data: ByteBuffer(string: "men"))))
            try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .continuation, data: ByteBuffer(string: "ted"))))
            try await outbound.write(.binary(ByteBuffer(bytes: [1, 2, 3])))
            try await outbound.close(.normalClosure, reason: nil)
        case "/large":
            try await outbound.writeTextMessage(large)
            try await outbound.close(.normalClosure, reason: nil)
        case "/huge":
            try await outbound.writeTextMessage(huge)
            for try await _ in inbound {}
        case "/pinged":
            // The server reads pongs as it reads the inbound stream.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { for try await _ in inbound {} }
                // Long enough for many pings: a client that did not answer them is dropped by now.
                try await Task.sleep(for: .seconds(1))
                try await outbound.write(.text("still here"))
                try await outbound.close(.normalClosure, reason: nil)
                try await group.waitForAll()
            }
        default:
            // `/silent`: sends nothing; ends when the client goes.
            for try await _ in inbound {}
        }
    }

    /// The path of the next handler whose client went.
    func nextEnded() async -> String? {
        var paths = ended.makeAsyncIterator()
        return await paths.next()
    }

    func stop() {
        task.cancel()
    }
}
