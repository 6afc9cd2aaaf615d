/// How a lava-run job ends first: its body ends, or a second signal cuts the cancellation's
/// cleanup short and the body is no longer waited for.
final class JobEnding: Sendable {
    enum Outcome: Sendable {
        /// nil when the job passed.
        case ended(JobError?)
        /// A second signal.
        case cutShort
        /// The caller was cancelled (`--stop-timeout` over): the body was cancelled too.
        case abandoned
    }

    private let outcomes: AsyncStream<Outcome>
    private let continuation: AsyncStream<Outcome>.Continuation

    init() {
        (outcomes, continuation) = AsyncStream.makeStream(of: Outcome.self)
    }

    func cutShort() {
        continuation.yield(.cutShort)
    }

    /// Runs `body` and returns the first outcome. The body runs in a task of its own because a
    /// cleanup cut short may be stuck where cancellation cannot reach (an engine that does not
    /// answer); lava-run exits soon after, which ends it. Cancelling the caller (`--stop-timeout`
    /// over) cancels the body and abandons it too.
    func first(_ body: @escaping @Sendable () async -> JobError?) async -> Outcome {
        let task = Task { [continuation] in continuation.yield(.ended(await body())) }
        return await withTaskCancellationHandler {
            for await outcome in outcomes { return outcome }
            return .abandoned
        } onCancel: {
            task.cancel()
        }
    }
}
