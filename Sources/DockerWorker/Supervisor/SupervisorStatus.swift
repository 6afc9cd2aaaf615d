/// Where the supervisor says what it is doing: systemd's notification socket when run by
/// systemd (READY=1, STATUS=, STOPPING=1). The watchdog is the program's own task.
public protocol SupervisorStatus: Sendable {
    /// The worker container runs.
    func ready()
    func status(_ text: String)
    func stopping()
}
