import LavaCore
import LavaClient

/// lava-worker's loop (spec §3.2, §3.4) as one state and one transition function, without I/O:
/// `Worker` performs each `Action` and feeds back the `Event` that followed, so the rules of
/// when to ping, when to take jobs and when to end are tested on their own.
struct WorkerLoop: Sendable {
    enum State: Equatable, Sendable {
        /// Pinging, starting, canceling and reporting jobs.
        case serving
        /// Stopped with `--wait-jobs`: pinging, canceling and reporting, starting no new job,
        /// until none is left.
        case draining
        /// Over, with the status to exit with.
        case finished(WorkerExit)
    }

    enum Ping: Equatable, Sendable {
        /// 200: the server's jobs were acted on.
        case answered
        /// 409: the server runs another version.
        case versionMismatch
        /// No answer, or another status: skip this round.
        case failed
    }

    enum Event: Equatable, Sendable {
        /// The loop begins.
        case started
        case pinged(Ping)
        /// The records were reconciled with the processes and the ended jobs reported;
        /// `idle`: no job is left.
        case checked(idle: Bool)
        /// During a wait: a lava-run ended.
        case childExited
        /// During a wait: the next ping is due.
        case timeUp
        /// During a wait: the server's event stream says the server has something for this
        /// worker (a job scheduled on it or canceled), or the stream came back after a drop.
        case nudged
        /// SIGTERM or SIGINT, as the service group's graceful shutdown.
        case stop
        /// End now: a second signal, `--stop-timeout`, or a stop without `--wait-jobs`.
        /// lava-run processes go on, and a restarted worker finds them.
        case cancelled
    }

    enum Action: Equatable, Sendable {
        /// Ping the server and act on its answer, starting the jobs it gives only if `takeJobs`.
        case ping(takeJobs: Bool)
        /// Reap lava-run processes, reconcile the records, report the jobs that ended.
        case check
        /// Wait for an event until `until`, when the next ping is due.
        case wait(until: ContinuousClock.Instant)
        case exit(WorkerExit)
    }

    private(set) var state = State.serving
    /// Failed pings in a row; they shorten the wait before the next (`RetryDelay`).
    private(set) var failures = 0
    private(set) var versionMismatch = false
    private var pingStarted: ContinuousClock.Instant?
    private var nextPing: ContinuousClock.Instant?
    /// After a stop the loop checks and then pings at once, instead of at the next ping time.
    private var pingAfterCheck = false

    let pingInterval: Duration
    let waitJobs: Bool
    let exitOnVersionMismatch: Bool
    /// The wait after `failures` failed pings.
    let retryDelay: @Sendable (_ failures: Int) -> Duration

    init(pingInterval: Duration, waitJobs: Bool, exitOnVersionMismatch: Bool,
         retryDelay: (@Sendable (Int) -> Duration)? = nil) {
        self.pingInterval = pingInterval
        self.waitJobs = waitJobs
        self.exitOnVersionMismatch = exitOnVersionMismatch
        let retry = RetryDelay(ceiling: pingInterval)
        self.retryDelay = retryDelay ?? { retry.after(failures: $0) }
    }

    var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    /// The transition: what to do after `event`, which happened at `now`.
    mutating func next(after event: Event, at now: ContinuousClock.Instant) -> Action {
        if case .finished(let exit) = state { return .exit(exit) }
        switch event {
        case .started, .timeUp:
            return ping(at: now)
        case .nudged:
            // Ping now, serving or draining (a drain takes no job but acts on cancels); the next
            // regular ping is then an interval later. A failing server is asked at once too: a
            // nudge after the stream came back means it answers again.
            return ping(at: now)
        case .pinged(let ping):
            switch ping {
            case .answered:
                failures = 0
                versionMismatch = false
            case .versionMismatch:
                failures = 0
                versionMismatch = true
            case .failed:
                failures += 1
            }
            // Pings start an interval apart, however long the ping and its work took.
            nextPing = (pingStarted ?? now) + (failures > 0 ? retryDelay(failures) : pingInterval)
            return .check
        case .checked(let idle):
            if idle, state == .draining { return finish(.stopped) }
            if idle, versionMismatch, exitOnVersionMismatch { return finish(.versionMismatch) }
            let due = nextPing ?? now
            if pingAfterCheck || due <= now { return ping(at: now) }
            return .wait(until: due)
        case .childExited:
            return .check
        case .stop:
            guard waitJobs else { return finish(.stopped) }
            guard state == .serving else { return .wait(until: nextPing ?? now) }
            state = .draining
            pingAfterCheck = true
            return .check
        case .cancelled:
            return finish(.stopped)
        }
    }

    private mutating func ping(at now: ContinuousClock.Instant) -> Action {
        pingStarted = now
        pingAfterCheck = false
        return .ping(takeJobs: state == .serving)
    }

    private mutating func finish(_ exit: WorkerExit) -> Action {
        state = .finished(exit)
        return .exit(exit)
    }
}
