import Dispatch
import Synchronization

/// A WebSocket client connection (RFC 6455) without SwiftNIO: libcurl connects (see
/// WebSocketTransport.swift for why the rest is by hand), and everything that blocks runs on the
/// connection's own queue, never on Swift's cooperative threads.
///
/// Messages are read with `receive()`, one caller at a time; while a receive waits, the server's
/// pings are answered and a ping is sent every `heartbeat` (as aiohttp's `heartbeat=30`, which
/// LAVA's lava-worker uses); a server silent for two heartbeats is taken as gone. Cancelling a
/// waiting `receive()` ends it at once and closes the connection.
public final class WebSocketConnection: @unchecked Sendable {
    // @unchecked: everything below `wake` is only touched on `queue`.
    public struct Options: Sendable {
        /// The largest message taken, its fragments together; a larger one ends the connection
        /// with `.tooLarge`.
        public var maxMessageSize = 1 << 20
        /// The largest head of the handshake answer.
        public var maxHeadSize = 16 << 10
        public var heartbeat: Duration = .seconds(30)

        public init() {}
    }

    /// How the server closed the connection, once `receive()` returned nil after its close frame.
    public struct Closing: Sendable, Equatable {
        /// nil: the close frame had no code.
        public var code: UInt16?
        public var reason: String

        public init(code: UInt16?, reason: String) {
            self.code = code
            self.reason = reason
        }
    }

    public let url: String
    public let options: Options
    private let queue = DispatchQueue(label: "lava.curl.websocket")
    private let wake: WebSocketWake
    private let closed = Mutex<Closing?>(nil)

    private var transport: WebSocketTransport?
    private var decoder: WebSocketFrameDecoder
    private var assembler: WebSocketMessageAssembler
    /// Once the connection is over: nil (closed) or the error, for every later receive.
    private var ended: Result<WebSocketMessage?, WebSocketError>?
    private var lastHeard = ContinuousClock.now
    private var nextPing = ContinuousClock.now
    /// The first ping sent since the server was last heard.
    private var unanswered: ContinuousClock.Instant?

    private init(url: String, options: Options, wake: WebSocketWake) {
        self.url = url
        self.options = options
        self.wake = wake
        decoder = WebSocketFrameDecoder(maxPayload: options.maxMessageSize)
        assembler = WebSocketMessageAssembler(maxMessage: options.maxMessageSize)
    }

    /// Connects to `url` (`ws://`, `wss://`, `http://` or `https://`) and upgrades, sending
    /// `headers` with the upgrade request. `configuration` gives the user agent, the connect
    /// timeout (also the limit for the upgrade's answer), the CA file and a unix socket; its
    /// request timeout does not apply. Cancellation throws `.cancelled` at once.
    public static func connect(
        url: String, headers: [(name: String, value: String)] = [], configuration: CurlConfiguration, options: Options = Options()
    ) async throws(WebSocketError) -> WebSocketConnection {
        let target = try WebSocketHandshake.Target(url: url)
        let connection = WebSocketConnection(url: url, options: options, wake: try WebSocketWake())
        // Resumed by whichever comes first: the queue's answer, or the caller's cancellation
        // (libcurl's connect then ends in the background, at its next progress call).
        let waiter = ConnectWaiter()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiter.wait(continuation)
                if connection.wake.rung != nil { waiter.resume(.failure(.cancelled)) }
                connection.queue.async {
                    waiter.resume(Result { () throws(WebSocketError) in
                        try connection.open(target, headers: headers, configuration: configuration)
                    })
                }
            }
        } onCancel: {
            connection.wake.ring(.cancelled)
            waiter.resume(.failure(.cancelled))
        }
        try result.get()
        return connection
    }

    /// The next message, or nil once the server has closed the connection (`closing` says how)
    /// or `close()` was called. Throws when the connection failed; every later call answers the
    /// same. Cancelling the calling task ends the wait at once, closes the connection and throws
    /// `.cancelled`.
    public func receive() async throws(WebSocketError) -> WebSocketMessage? {
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                queue.async { continuation.resume(returning: self.next()) }
            }
        } onCancel: { [wake] in
            wake.ring(.cancelled)
        }
        return try result.get()
    }

    /// Closes the connection with a normal close frame; a receive in progress returns nil.
    public func close() {
        wake.ring(.closed)
        queue.async { _ = self.next() }
    }

    /// The server's close frame, once it sent one.
    public var closing: Closing? { closed.withLock { $0 } }

    // MARK: On the queue

    private func open(_ target: WebSocketHandshake.Target, headers: [(name: String, value: String)],
                      configuration: CurlConfiguration) throws(WebSocketError) {
        let transport = try WebSocketTransport.open(target.connectURL, configuration: configuration, wake: wake)
        let handshake = WebSocketHandshake()
        let deadline = ContinuousClock.now + configuration.connectTimeout
        try transport.send(handshake.request(target, userAgent: configuration.userAgent, headers: headers), until: deadline)
        var answer: [UInt8] = []
        while true {
            switch try transport.receive(until: deadline) {
            case .bytes(let bytes):
                answer += bytes
                guard let (response, rest) = try WebSocketHandshake.parse(answer, maxHead: options.maxHeadSize) else { continue }
                try handshake.check(response, url: url)
                // What came after the head is already frames.
                decoder.append(rest)
                self.transport = transport
                lastHeard = .now
                nextPing = lastHeard + options.heartbeat
                return
            case .end:
                throw WebSocketError(.connection(code: -1), "\(url) closed the connection without answering the WebSocket upgrade")
            case .deadline:
                throw WebSocketError(.timedOut, "\(url) did not answer the WebSocket upgrade within \(configuration.connectTimeout)")
            case .woken:
                throw .cancelled
            }
        }
    }

    private func next() -> Result<WebSocketMessage?, WebSocketError> {
        if let ended { return ended }
        guard let transport else { return end(.failure(.cancelled)) }
        do throws(WebSocketError) {
            while true {
                while let frame = try decoder.next() {
                    switch try assembler.take(frame) {
                    case nil, .pong:
                        continue
                    case .message(let message):
                        return .success(message)
                    case .ping(let payload):
                        try transport.send(WebSocketFrame(opcode: .pong, payload: payload).encoded(mask: Self.mask()),
                                           until: .now + options.heartbeat)
                    case .close(let code, let reason):
                        closed.withLock { $0 = Closing(code: code, reason: reason) }
                        // Section 5.5.1: answer with a close frame, echoing the code.
                        transport.sendOnce(Self.closeFrame(code: code))
                        return end(.success(nil))
                    }
                }
                var now = ContinuousClock.now
                if now >= nextPing {
                    try transport.send(WebSocketFrame(opcode: .ping, payload: Self.mask()).encoded(mask: Self.mask()), until: now + options.heartbeat)
                    if unanswered == nil { unanswered = now }
                    nextPing = now + options.heartbeat
                    now = .now
                }
                // Dead after two heartbeats without a frame, one of them after a ping: a
                // process that was stalled past the first still asks before it gives up.
                let dead = unanswered.map { max(lastHeard + options.heartbeat * 2, $0 + options.heartbeat) }
                if let dead, now >= dead {
                    throw WebSocketError(.timedOut, "\(url) sent nothing, not even a pong, for \(options.heartbeat * 2): taking the connection as dead")
                }
                switch try transport.receive(until: dead.map { min(nextPing, $0) } ?? nextPing) {
                case .bytes(let bytes):
                    lastHeard = .now
                    unanswered = nil
                    decoder.append(bytes)
                case .end:
                    throw WebSocketError(.connection(code: -1), "\(url) ended the connection without a close frame")
                case .deadline:
                    continue
                case .woken:
                    let cancelled = wake.rung == .cancelled
                    transport.sendOnce(Self.closeFrame(code: cancelled ? 1001 : 1000))
                    return end(cancelled ? .failure(.cancelled) : .success(nil))
                }
            }
        } catch {
            // Section 7.4.1: 1002 protocol error, 1009 too big; a broken connection takes no frame.
            switch error.kind {
            case .protocolViolation: transport.sendOnce(Self.closeFrame(code: 1002))
            case .tooLarge: transport.sendOnce(Self.closeFrame(code: 1009))
            default: break
            }
            return end(.failure(error))
        }
    }

    private func end(_ result: Result<WebSocketMessage?, WebSocketError>) -> Result<WebSocketMessage?, WebSocketError> {
        ended = result
        transport = nil
        return result
    }

    private static func closeFrame(code: UInt16?) -> [UInt8] {
        let payload = code.map { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } ?? []
        return WebSocketFrame(opcode: .close, payload: payload).encoded(mask: mask())
    }

    /// A fresh masking key (section 5.3: unpredictable, one per frame).
    private static func mask() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt32
        return [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}

/// The caller of `connect`, resumed once: by the connect's end or by its cancellation.
private final class ConnectWaiter: Sendable {
    private let continuation = Mutex<CheckedContinuation<Result<Void, WebSocketError>, Never>?>(nil)

    func wait(_ continuation: CheckedContinuation<Result<Void, WebSocketError>, Never>) {
        self.continuation.withLock { $0 = continuation }
    }

    func resume(_ result: Result<Void, WebSocketError>) {
        continuation.withLock { $0.take() }?.resume(returning: result)
    }
}
