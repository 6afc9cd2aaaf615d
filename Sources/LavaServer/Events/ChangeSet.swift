import Synchronization

/// The jobs, devices and workers whose state or health a transaction changed, and the server's
/// announcements it makes (the next version, say). The stores note
/// each change here; `EventingDatabase` turns the set into events when the transaction commits.
/// A task-local rather than a parameter so that every store function that changes a state
/// reports it without each caller passing the set along.
final class ChangeSet: Sendable {
    @TaskLocal static var current: ChangeSet?

    private struct Changes {
        var jobs: [Int] = []
        var devices: [String] = []
        var workers: [String] = []
        var announcements: [ServerEvent] = []
    }

    private let changes = Mutex(Changes())

    static func job(_ id: Int) {
        current?.changes.withLock { if !$0.jobs.contains(id) { $0.jobs.append(id) } }
    }

    static func device(_ name: String) {
        current?.changes.withLock { if !$0.devices.contains(name) { $0.devices.append(name) } }
    }

    static func worker(_ name: String) {
        current?.changes.withLock { if !$0.workers.contains(name) { $0.workers.append(name) } }
    }

    /// A server announcement (kind `.event`), sent with the transaction's other events; its time
    /// is the commit's.
    static func announce(_ event: ServerEvent) {
        current?.changes.withLock { $0.announcements.append(event) }
    }

    var jobs: [Int] { changes.withLock { $0.jobs } }
    var devices: [String] { changes.withLock { $0.devices } }
    var workers: [String] { changes.withLock { $0.workers } }
    var announcements: [ServerEvent] { changes.withLock { $0.announcements } }
    var isEmpty: Bool {
        changes.withLock { $0.jobs.isEmpty && $0.devices.isEmpty && $0.workers.isEmpty && $0.announcements.isEmpty }
    }
}
