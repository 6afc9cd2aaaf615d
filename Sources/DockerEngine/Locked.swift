import Foundation

/// A value shared between libcurl's callbacks (on a session's queue) and the Task that waits for
/// the transfer; the lock makes the hand-over explicit to the compiler.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.withLock { body(&value) }
    }
}
