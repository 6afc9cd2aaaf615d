/// How long and how many connections the HTTP server gives its clients, so that slow or idle
/// ones cannot hold it (slowloris). The defaults fit LAVA's workers and the haproxy in front
/// (server/haproxy/haproxy.cfg): a worker sends each request at once, pings every 20 s over a
/// kept-alive connection and gives up on a request after 20 s (120 s for a log batch).
public struct HTTPLimits: Sendable, Equatable {
    /// From a connection's opening, or the first byte of a later request, to its complete head.
    public var headerTimeout: Duration
    /// From a request's head to the end of its body.
    public var bodyTimeout: Duration
    /// A kept-alive connection with nothing read or written for this long is closed.
    public var idleTimeout: Duration
    /// Connections open at once; more are answered 503 and closed.
    public var maxConnections: Int

    public init(headerTimeout: Duration, bodyTimeout: Duration, idleTimeout: Duration, maxConnections: Int) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }

    /// haproxy's `timeout http-request` is 10 s; a log batch may take lava-run's 120 s; idle over
    /// three ping periods; connections well under systemd's default 1024 open files.
    public static let defaults = HTTPLimits(
        headerTimeout: .seconds(10), bodyTimeout: .seconds(120), idleTimeout: .seconds(75), maxConnections: 512)
}
