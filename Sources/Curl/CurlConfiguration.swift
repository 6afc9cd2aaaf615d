/// What every request of a session shares.
public struct CurlConfiguration: Sendable {
    /// Sent as `User-Agent`, e.g. `lava-worker 2026.11`.
    public var userAgent: String
    /// Whole-request limit (LAVA's worker: the ping interval).
    public var timeout: Duration = .seconds(20)
    public var connectTimeout: Duration = .seconds(10)
    /// A CA bundle to trust instead of the system store.
    public var caFile: String?
    /// Talk HTTP over this unix socket (the Docker engine's); the URL's host is then ignored.
    public var unixSocketPath: String?
    /// How long an idle kept-alive connection may be reused (LAVA's `--http-timeout`).
    public var keepAlive: Duration = .seconds(600)

    // Proxies are libcurl's own business: with no proxy option set it follows http_proxy,
    // https_proxy (or HTTPS_PROXY) and no_proxy from the environment, as LAVA's workers do.

    public init(userAgent: String) {
        self.userAgent = userAgent
    }
}
