import LavaCore
import SQLKit

/// The events of a transaction's changes, read from its rows before it commits: each names the
/// object's state at the commit, as LAVA's post_save signals do.
enum ChangeEvents {
    /// LAVA's longest field is a job's description; a PostgreSQL notification holds under 8000
    /// bytes, so events carry at most this much of it.
    static let maxDescriptionBytes = 4096

    static func read(_ db: any SQLDatabase, _ changes: ChangeSet, now: Double) async throws -> [ServerEvent] {
        var events: [ServerEvent] = []
        for id in changes.jobs {
            guard let job = try await JobStore.find(db, id: id) else { continue }
            let groups = job.visibility == .group ? try await JobStore.viewingGroups(db, id: id) : []
            events.append(testjob(job, groups: groups, now: now))
        }
        for name in changes.devices {
            guard let device = try await DeviceStore.find(db, name: name) else { continue }
            events.append(self.device(device, job: try await DeviceStore.currentJob(db, name: name), now: now))
        }
        for name in changes.workers {
            guard let worker = try await WorkerStore.find(db, name: name) else { continue }
            events.append(self.worker(worker, now: now))
        }
        for var announcement in changes.announcements {
            announcement.time = now
            events.append(announcement)
        }
        return events
    }

    /// The announcement of the next version (`lava-server version-policy --next`), or of its
    /// withdrawal (`next_version` null), on the `.event` topic as LAVA's free-form events: the
    /// version of the lava-server that set it, the next one and the image digests expected.
    static func nextVersion(_ plan: UpgradePlan, server: String) -> ServerEvent {
        let (next, nextDigest, digest) = plan.answer(server: server)
        let text = { (value: String?) in value.map(ServerEvent.Value.string) ?? .null }
        return ServerEvent(kind: .event, time: 0, username: "lavaserver", data: [
            "message": .string("next version"),
            "version": .string(server),
            "next_version": text(next),
            "next_digest": text(nextDigest),
            "digest": text(digest),
        ], audience: .everyone)
    }

    static func testjob(_ job: JobRecord, groups: [String], now: Double) -> ServerEvent {
        var data: [String: ServerEvent.Value] = [
            "health": .string(job.health.name),
            "state": .string(job.state.name),
            "job": .int(job.id),
            "description": .string(String(decoding: job.description.utf8.prefix(maxDescriptionBytes), as: UTF8.self)),
            "priority": .int(job.priority),
            "submit_time": .string(ServerEvent.isoDate(job.submitTime)),
            "submitter": .string(job.submitter),
            "health_check": .bool(false),
            "device_type": .string(job.deviceType),
        ]
        if let device = job.device { data["device"] = .string(device) }
        if let worker = job.worker { data["worker"] = .string(worker) }
        if let start = job.startTime { data["start_time"] = .string(ServerEvent.isoDate(start)) }
        if let end = job.endTime { data["end_time"] = .string(ServerEvent.isoDate(end)) }
        return ServerEvent(
            kind: .testjob, time: now, username: job.submitter, data: data,
            audience: .job(visibility: job.visibility, submitter: job.submitter, groups: groups, worker: job.worker)
        )
    }

    static func device(_ device: DeviceRecord, job: Int?, now: Double) -> ServerEvent {
        var data: [String: ServerEvent.Value] = [
            "health": .string(device.health.name),
            "state": .string(device.state.name),
            "device": .string(device.name),
            "device_type": .string(device.deviceType),
            "worker": .string(device.worker),
        ]
        if let job { data["job"] = .int(job) }
        return ServerEvent(kind: .device, time: now, username: "lavaserver", data: data, audience: .everyone)
    }

    static func worker(_ worker: WorkerRecord, now: Double) -> ServerEvent {
        ServerEvent(kind: .worker, time: now, username: "lavaserver", data: [
            "hostname": .string(worker.name),
            "health": .string(worker.health.name),
            "state": .string(worker.state.name),
        ], audience: .everyone)
    }
}
