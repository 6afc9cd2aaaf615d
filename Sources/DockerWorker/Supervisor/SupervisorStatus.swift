/// Where the supervisor says what it is doing: systemd's notification socket when run by
/// systemd (READY=1, STATUS=, STOPPING=1, WATCHDOG=1).
public protocol SupervisorStatus: Sendable {
    /// The worker container runs.
    func ready()
    func status(_ text: String)
    func stopping()
    /// The server answered: the supervisor is alive and in touch (systemd's watchdog).
    func serverContact()
}
