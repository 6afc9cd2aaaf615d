import Synchronization

/// Text that the engine's `@Sendable` output handlers add to while a request runs.
final class TextBuffer: Sendable {
    private let storage = Mutex("")

    func append(_ text: String) {
        storage.withLock { $0 += text }
    }

    var text: String { storage.withLock { $0 } }
}
