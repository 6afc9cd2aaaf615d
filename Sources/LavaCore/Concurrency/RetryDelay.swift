/// How long to wait before the next try after failures (a worker's ping, a server's LISTEN
/// connection): doubling from one second up to `ceiling`, each wait drawn at random from its
/// upper half, so that a thousand workers that lost the same server do not all come back in
/// the same second.
public struct RetryDelay: Sendable {
    public let ceiling: Duration

    public init(ceiling: Duration) {
        self.ceiling = ceiling
    }

    public func after(failures: Int, random: Double = Double.random(in: 0 ... 1)) -> Duration {
        guard failures > 0 else { return ceiling }
        let full = min(ceiling, .seconds(1) * (1 << min(failures - 1, 20)))
        return full / 2 + full / 2 * random
    }
}
