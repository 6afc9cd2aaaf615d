/// Where the supervisor says what it is doing: its log always, and systemd's notification
/// socket when run by systemd (READY=1, STATUS=, WATCHDOG=1).
public protocol SupervisorStatus: Sendable {
    /// The worker container runs.
    func ready()
    func status(_ text: String)
    /// The server answered: the supervisor is doing its job.
    func alive()
    func stopping()
}
