import Synchronization

/// The caller's side of one transfer queued on a session: resumed with the transfer's result,
/// or with `CurlError.cancelled` as soon as the caller is cancelled, whether the transfer still
/// waits behind another or runs. A running one is stopped by its sink on libcurl's side
/// meanwhile, so a caller that stops does not wait for libcurl's next callback.
final class TransferWaiter: Sendable {
    private enum State {
        case created
        case waiting(CheckedContinuation<Result<Int, CurlError>, Never>)
        case running(CheckedContinuation<Result<Int, CurlError>, Never>)
        /// Cancelled before the continuation existed: `wait` resumes it at once.
        case cancelledEarly
        case done
    }

    private let state = Mutex(State.created)

    func wait(_ continuation: CheckedContinuation<Result<Int, CurlError>, Never>) {
        let cancelled = state.withLock { state -> Bool in
            guard case .created = state else {
                state = .done
                return true
            }
            state = .waiting(continuation)
            return false
        }
        if cancelled { continuation.resume(returning: .failure(.cancelled)) }
    }

    /// On the session's queue, before the transfer: false when the caller has gone.
    func start() -> Bool {
        state.withLock { state in
            guard case .waiting(let continuation) = state else { return false }
            state = .running(continuation)
            return true
        }
    }

    func finish(_ result: Result<Int, CurlError>) {
        let continuation = state.withLock { state -> CheckedContinuation<Result<Int, CurlError>, Never>? in
            guard case .running(let continuation) = state else { return nil }
            state = .done
            return continuation
        }
        continuation?.resume(returning: result)
    }

    func cancel() {
        let continuation = state.withLock { state -> CheckedContinuation<Result<Int, CurlError>, Never>? in
            switch state {
            case .created:
                state = .cancelledEarly
                return nil
            case .waiting(let continuation), .running(let continuation):
                state = .done
                return continuation
            case .cancelledEarly, .done:
                return nil
            }
        }
        continuation?.resume(returning: .failure(.cancelled))
    }
}
