import Foundation
import LavaCore
import SQLKit

/// One pass of the scheduler (spec §4.2, plus the ends LAVA leaves undone, §4.5): workers gone
/// silent go Offline; jobs whose worker is lost or that overran their timeout end Incomplete;
/// jobs past their queue timeout are canceled; then queued jobs get idle devices.
///
/// The whole pass is one transaction. On PostgreSQL an advisory lock makes passes of several
/// schedulers take turns, and every reservation is a conditional update, so a device is never
/// given twice.
struct SchedulerPass: Sendable {
    let server: Server

    struct Summary: Sendable, Equatable {
        var workersOffline: [String] = []
        var jobsEnded: [Int] = []
        var jobsAssigned: [Int] = []
    }

    func run() async throws -> Summary {
        // This process's pings must count before silent workers are judged.
        try await server.pings.flush(to: server.database)
        let configuration = server.configuration
        let policy = try await server.versionPolicy.current()
        let flavour = server.database.flavour
        let now = server.now()
        return try await server.database.write { db in
            if flavour == .postgres {
                try await db.raw("SELECT pg_advisory_xact_lock(\(literal: SchedulerLock.schedulingKey))").run()
            }
            var summary = Summary()
            summary.workersOffline = try await WorkerStore.markSilentOffline(db, cutoff: now - configuration.offlineAfter)
            summary.jobsEnded = try await endLostJobs(db, now: now)
            summary.jobsEnded += try await endQueueTimeouts(db, now: now)
            summary.jobsAssigned = try await assign(db, policy: policy, now: now)
            return summary
        }
    }

    /// Jobs holding a device whose worker has been silent past the grace period, or that ran
    /// past their own timeout.
    private func endLostJobs(_ db: any SQLDatabase, now: Double) async throws -> [Int] {
        let configuration = server.configuration
        let workers = Dictionary(uniqueKeysWithValues: try await WorkerStore.all(db).map { ($0.name, $0) })
        var ended: [Int] = []
        for job in try await JobStore.active(db) {
            let since = job.startTime ?? job.scheduledTime ?? job.submitTime
            let worker = job.worker.flatMap { workers[$0] }
            let heard = max(worker?.lastContact ?? 0, worker?.lastPing ?? 0, job.scheduledTime ?? 0)
            let comment: String
            if now - heard > configuration.offlineJobGrace {
                comment = "Worker '\(job.worker ?? "?")' was last heard from \(Int(now - heard)) s ago "
                    + "(grace \(Int(configuration.offlineJobGrace)) s): the job is lost"
            } else if job.state != .scheduled, now - since > job.jobTimeout + configuration.jobTimeoutMargin {
                comment = "Job timeout of \(Int(job.jobTimeout)) s exceeded and the worker did not report the end"
            } else {
                continue
            }
            let health: JobHealth = job.state == .canceling ? .canceled : .incomplete
            try await JobTransitions.end(db, job, health: health, errorType: "Infrastructure", comment: comment, now: now)
            if let device = job.device {
                _ = try await DeviceStore.setHealth(db, name: device, health: .unknown)
            }
            ended.append(job.id)
        }
        return ended
    }

    private func endQueueTimeouts(_ db: any SQLDatabase, now: Double) async throws -> [Int] {
        var ended: [Int] = []
        for job in try await JobStore.queue(db) {
            guard let limit = job.queueTimeout, now - job.submitTime > limit else { continue }
            try await JobTransitions.end(db, job, health: .canceled, errorType: "",
                                         comment: "Queue timeout of \(Int(limit)) s exceeded: no device became free", now: now)
            ended.append(job.id)
        }
        return ended
    }

    /// Queued jobs in priority then submit order, each to the first free device of its type
    /// on a worker whose version is accepted and whose job limit is not reached.
    private func assign(_ db: any SQLDatabase, policy: VersionPolicy, now: Double) async throws -> [Int] {
        let queue = try await JobStore.queue(db)
        guard !queue.isEmpty else { return [] }
        let version = server.configuration.version
        var free = try await DeviceStore.available(db).filter { candidate in
            candidate.workerVersion.map { policy.accepts(worker: $0, server: version) } ?? false
        }
        var busy = try await DeviceStore.busyCounts(db)
        var assigned: [Int] = []
        for job in queue {
            guard let position = free.firstIndex(where: { candidate in
                let device = candidate.device
                return device.deviceType == job.deviceType
                    && (job.requestedWorker == nil || job.requestedWorker == device.worker)
                    && (job.requestedDevice == nil || job.requestedDevice == device.name)
                    && (candidate.workerJobLimit == 0 || busy[device.worker, default: 0] < candidate.workerJobLimit)
            }) else { continue }
            let device = free[position].device
            guard try await DeviceStore.reserve(db, name: device.name) else {
                free.remove(at: position)
                continue
            }
            guard try await JobStore.assign(db, id: job.id, device: device.name, worker: device.worker, now: now) else {
                try await DeviceStore.setState(db, name: device.name, state: .idle)
                continue
            }
            free.remove(at: position)
            busy[device.worker, default: 0] += 1
            assigned.append(job.id)
        }
        return assigned
    }
}
