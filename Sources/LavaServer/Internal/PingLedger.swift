import Synchronization

/// Ping times waiting to be written. A ping that changes nothing but the time is recorded here
/// and written with all others in one transaction per second (`PingFlushService`), so a hundred
/// thousand workers pinging every 20 s cost 5,000 reads a second and one write transaction, not
/// 5,000 transactions. Pings that change a worker's state or version are written at once.
final class PingLedger: Sendable {
    struct Entry: Sendable, Equatable {
        /// Time of the last accepted ping, nil when only mismatching pings came.
        var lastPing: Double?
        var lastContact: Double
    }

    private let pending = Mutex<[String: Entry]>([:])

    func record(worker: String, lastPing: Double?, lastContact: Double) {
        pending.withLock { entries in
            let previous = entries[worker]?.lastPing
            entries[worker] = Entry(lastPing: lastPing ?? previous, lastContact: lastContact)
        }
    }

    /// Forgets a worker's pending times: a write of the whole row just superseded them.
    func discard(worker: String) {
        _ = pending.withLock { $0.removeValue(forKey: worker) }
    }

    /// Writes the pending times. On failure they are put back, unless newer ones arrived.
    func flush(to database: any Database) async throws {
        let batch = pending.withLock { entries in
            defer { entries.removeAll(keepingCapacity: true) }
            return entries
        }
        guard !batch.isEmpty else { return }
        do {
            try await database.write { db in
                for (worker, entry) in batch {
                    try await WorkerStore.recordTimes(db, name: worker, lastPing: entry.lastPing, lastContact: entry.lastContact)
                }
            }
        } catch {
            pending.withLock { entries in
                entries.merge(batch) { newer, _ in newer }
            }
            throw error
        }
    }
}
