import Foundation
import Logging
import SQLKit

/// Where a transaction's events go: `stage` runs inside the transaction, before its commit;
/// `committed` after it. PostgreSQL notifies in `stage` (delivered on commit, to every instance);
/// SQLite has one instance, and publishes in `committed`.
protocol EventOutlet: Sendable {
    func stage(_ events: [ServerEvent], in db: any SQLDatabase) async throws
    func committed(_ events: [ServerEvent])
}

/// The server's database, with an event for every state or health change its writes make
/// (ChangeSet), sent only once the change is committed.
struct EventingDatabase: Database {
    let base: any Database
    let outlet: any EventOutlet
    let clock: @Sendable () -> Double

    var flavour: SQLFlavour { base.flavour }

    func read<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await base.read(body)
    }

    func write<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let (result, events) = try await base.write { [outlet, clock] db in
            let changes = ChangeSet()
            let result = try await ChangeSet.$current.withValue(changes) { try await body(db) }
            guard !changes.isEmpty else { return (result, [ServerEvent]()) }
            let events = try await ChangeEvents.read(db, changes, now: clock())
            try await outlet.stage(events, in: db)
            return (result, events)
        }
        outlet.committed(events)
        return result
    }

    func close() async {
        await base.close()
    }
}

/// SQLite's outlet: this process's bus.
struct InProcessOutlet: EventOutlet {
    let bus: EventBus

    func stage(_ events: [ServerEvent], in db: any SQLDatabase) async throws {}

    func committed(_ events: [ServerEvent]) {
        bus.publish(events)
    }
}

extension DatabaseLocation {
    /// The database for a command that serves no listeners of its own (the admin commands): on
    /// PostgreSQL the changes it makes reach every server's listeners by NOTIFY; on SQLite the
    /// listeners of a server hear only of what that server changes (docs/differences.md).
    public func openForCommand(logger: Logger) async throws -> any Database {
        let base = try await open()
        guard case .postgres = self else { return base }
        return EventingDatabase(base: base, outlet: NotifyOutlet(logger: logger), clock: { Date().timeIntervalSince1970 })
    }
}
