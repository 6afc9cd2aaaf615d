import Synchronization

/// What one action leaves for the next (the image, the overlay, the DUT container) and what the
/// end of the job must clean up. Shared with actions running under a deadline.
final class RunState: Sendable {
    struct Values {
        var image: String?
        var container: DUTContainer?
        var console: Task<Void, Never>?
        var overlay: PreparedOverlay?
    }

    private let values = Mutex(Values())

    func update(_ change: (inout Values) -> Void) {
        values.withLock { change(&$0) }
    }

    var current: Values { values.withLock { $0 } }
}
