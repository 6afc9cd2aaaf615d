/// The life of one `/ws/` connection after its upgrade, without I/O: what `EventStreamHandler`
/// does on each thing that happens to it. Its phases:
///
/// - `identifying`: upgraded, its credentials being checked; events published meanwhile wait.
/// - `listening`: sending every event the listener may see; those published while the
///   connection cannot take more wait in a backlog of at most `queueLimit`, and one more drops it.
/// - `closing`: our close frame is sent; the client's answer, or `closeTimeout`, ends it.
/// - `closed`: the connection is gone.
struct EventStreamState {
    enum Phase {
        case identifying(pending: [PublishedEvent])
        case listening(EventListener, backlog: [PublishedEvent])
        case closing
        case closed
    }

    enum Event {
        case identified(Result<EventListener, EventListener.Refusal>)
        /// Events from the bus; `writable` says whether the connection takes more now.
        case published([PublishedEvent], writable: Bool)
        case becameWritable
        /// More deliveries are queued for the connection than `queueLimit`.
        case fellBehind
        case receivedPing
        case receivedPong
        case receivedClose
        /// The ping period passed.
        case pingDue
        /// The server stops: its clients are told it is going away.
        case serverStopping
        case closeTimedOut
        /// The connection failed (a protocol error, a reset).
        case failed
        case connectionGone
    }

    enum Action: Equatable {
        case send([String])
        case sendPing
        case answerPing
        /// A close frame, then the wait for the client's (at most `closeTimeout`).
        case sendClose(CloseCode, reason: String)
        case closeConnection
        /// Off the bus: nothing more is delivered to this connection.
        case leaveBus
        case logDropped
    }

    /// The close codes this server sends (RFC 6455 §7.4.1).
    enum CloseCode: UInt16 {
        case normal = 1000
        case goingAway = 1001
        case policyViolation = 1008
    }

    let queueLimit: Int
    private(set) var phase: Phase = .identifying(pending: [])
    /// A ping was sent and no pong came back yet.
    private(set) var awaitingPong = false

    init(queueLimit: Int) {
        self.queueLimit = queueLimit
    }

    mutating func handle(_ event: Event) -> [Action] {
        switch (phase, event) {
        case (.closed, _):
            return []
        case (_, .connectionGone):
            phase = .closed
            return [.leaveBus]
        case (_, .closeTimedOut), (_, .failed):
            phase = .closed
            return [.leaveBus, .closeConnection]

        case (.identifying(var pending), .published(let events, _)):
            pending.append(contentsOf: events)
            guard pending.count <= queueLimit else { return drop() }
            phase = .identifying(pending: pending)
            return []
        case (.identifying(let pending), .identified(.success(let listener))):
            phase = .listening(listener, backlog: [])
            let mine = pending.filter { listener.receives($0.event) }.map(\.message)
            return mine.isEmpty ? [] : [.send(mine)]
        case (.identifying, .identified(.failure(let refusal))):
            // LAVA's publisher says why in one frame, then closes.
            phase = .closing
            return [.leaveBus, .send([#"{"error": "\#(refusal.message)"}"#]), .sendClose(.policyViolation, reason: refusal.message)]

        case (.listening(let listener, var backlog), .published(let events, let writable)):
            let mine = events.filter { listener.receives($0.event) }
            guard !mine.isEmpty else { return [] }
            if writable && backlog.isEmpty { return [.send(mine.map(\.message))] }
            backlog.append(contentsOf: mine)
            guard backlog.count <= queueLimit else { return drop() }
            phase = .listening(listener, backlog: backlog)
            return []
        case (.listening(let listener, let backlog), .becameWritable):
            guard !backlog.isEmpty else { return [] }
            phase = .listening(listener, backlog: [])
            return [.send(backlog.map(\.message))]

        case (.identifying, .fellBehind), (.listening, .fellBehind):
            return drop()
        case (.closing, .receivedClose):
            phase = .closed
            return [.closeConnection]
        case (_, .receivedClose):
            // The client closes: answer its close frame, and the connection ends.
            phase = .closed
            return [.leaveBus, .sendClose(.normal, reason: ""), .closeConnection]
        case (.closing, _):
            return []

        case (_, .receivedPing):
            return [.answerPing]
        case (_, .receivedPong):
            awaitingPong = false
            return []
        case (_, .pingDue):
            if awaitingPong {
                // No answer to the last ping within a whole period: the client is gone.
                phase = .closing
                return [.leaveBus, .sendClose(.goingAway, reason: "Ping timeout")]
            }
            awaitingPong = true
            return [.sendPing]
        case (_, .serverStopping):
            phase = .closing
            return [.leaveBus, .sendClose(.goingAway, reason: "server shutting down")]

        case (.identifying, .becameWritable), (.listening, .identified):
            return []
        }
    }

    /// A listener too far behind is told at once, ahead of the events it has not taken (which a
    /// stalled client would never take).
    private mutating func drop() -> [Action] {
        phase = .closing
        return [.leaveBus, .logDropped, .sendClose(.policyViolation, reason: "too slow: more than \(queueLimit) events behind")]
    }
}
