import Foundation

/// Runs blocking `work` (a socket read, a child process's end) on a thread of its own and awaits
/// it. Swift concurrency has as many threads as cores (two in CI), shared by every test running
/// at once and by the in-process servers' handlers: a test blocking one of them while waiting for
/// such a server can stall all of them until a read timeout.
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

/// `onOwnThread` for work that cannot fail.
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: work()) }
    }
}
