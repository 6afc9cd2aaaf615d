/// A job reference handed to a worker in a ping answer: the job id and the token that job's
/// endpoints accept.
public struct JobTicket: Codable, Sendable, Equatable {
    public var id: Int
    public var token: String

    public init(id: Int, token: String) {
        self.id = id
        self.token = token
    }
}

/// Answer to `GET /scheduler/internal/v1/workers/<name>/?version=` (spec §2.2). LAVA writes the keys
/// in the order cancel, running, start: alphabetical, so a sorted-keys encoder reproduces it.
public struct PingResponse: Codable, Sendable, Equatable {
    public var cancel: [JobTicket]
    public var running: [JobTicket]
    public var start: [JobTicket]

    public init(cancel: [JobTicket] = [], running: [JobTicket] = [], start: [JobTicket] = []) {
        self.cancel = cancel
        self.running = running
        self.start = start
    }
}
