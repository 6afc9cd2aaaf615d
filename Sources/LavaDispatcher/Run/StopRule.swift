/// What SIGTERM and SIGINT do to a lava-run session (spec §4.4), as one state and one transition
/// function, without I/O: the first signal cancels the job, a second during the cancellation cuts
/// its cleanup short ("The job was canceled again (too long to cancel)"), and once the job has
/// ended a signal stops the log upload.
struct StopRule: Equatable, Sendable {
    enum State: Equatable, Sendable {
        case running
        /// Canceled (a signal, or the server forgot the job): the job cleans up.
        case canceling
        /// A second signal cut the cleanup short: only the device-under-test container's removal
        /// is left, and it is bounded.
        case cutShort
        /// The job has ended; the upload sends its last lines.
        case ended
    }

    enum Event: Equatable, Sendable {
        case signal
        /// The server no longer knows the job: the upload has ended and the job is canceled.
        case serverForgotJob
        case jobEnded
    }

    enum Action: Equatable, Sendable {
        case none
        case cancelJob
        case cutCleanupShort
        case stopUpload
    }

    private(set) var state = State.running

    mutating func handle(_ event: Event) -> Action {
        switch (state, event) {
        case (_, .jobEnded):
            state = .ended
            return .none
        case (.running, .signal):
            state = .canceling
            return .cancelJob
        case (.running, .serverForgotJob):
            state = .canceling
            return .none
        case (.canceling, .signal):
            state = .cutShort
            return .cutCleanupShort
        case (.ended, .signal):
            return .stopUpload
        case (.cutShort, .signal), (_, .serverForgotJob):
            return .none
        }
    }
}
