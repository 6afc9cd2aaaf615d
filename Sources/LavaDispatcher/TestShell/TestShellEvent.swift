import LavaCore

/// What the console of a test shell asks the job runner to do, in order. `log`, `results` and
/// `event` are each one log record; the others are not records.
public enum TestShellEvent: Sendable, Equatable {
    /// A log record (`debug`, `info`, `warning`, `error`).
    case log(level: String, message: String)
    /// A `results` record (encode it with `ResultsLine`).
    case results(ResultsMessage)
    /// An `event` record (`lava-test-event`): the server publishes it.
    case event(String)
    /// `lava-test-raise`: the job must end Incomplete with this message (LAVA's `TestError`).
    case raise(String)
    /// `lava-test-feedback`: read the pending output of another namespace.
    case feedback(namespace: String)
    /// `<LAVA_TEST_RUNNER EXIT>`: the stage is over.
    case finished

    /// True for events that become one log record (and so take one server line index).
    public var isRecord: Bool {
        switch self {
        case .log, .results, .event: true
        case .raise, .feedback, .finished: false
        }
    }
}
