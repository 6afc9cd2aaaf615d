import Foundation
import LavaCore
import XMLRPC

/// `scheduler.jobs.*`: submit, show, logs, list, cancel and definition, with LAVA 2023.01's
/// shapes (lava_scheduler_app/api/jobs.py) and the REST API's rules of who may see and do what.
struct JobsRPC: Sendable {
    let server: Server
    let scheduler: SchedulerService?

    /// At most this much of a log per `jobs.logs` answer: a 1,000,000-record log is not built
    /// into one response. lavacli asks again from where the answer stopped.
    static let maxLogBytes = 4 * 1024 * 1024

    var methods: [RPCMethod] {
        [
            RPCMethod(name: "scheduler.jobs.submit", parameters: ["definition"], help: """
                Submits a job definition (YAML) as the calling user and returns the new job's id.
                Needs a user and token.
                """) { try await submit($0) },
            RPCMethod(name: "scheduler.jobs.show", parameters: ["job_id"], help: """
                A job's id, description, device, device_type, submitter, state, health, \
                health_check, pipeline, failure_comment, tags, visibility, and its submit, start \
                and end times.
                """) { try await show($0) },
            RPCMethod(name: "scheduler.jobs.logs", parameters: ["job_id", "start", "end"], help: """
                [finished, log]: the job's log records start..<end (output.yaml lines) as base64, \
                at most 4 MiB an answer; finished is true only when the job has finished and the \
                answer reaches the end of its log.
                """) { try await logs($0) },
            RPCMethod(name: "scheduler.jobs.list", parameters: ["state", "health", "start", "limit", "since", "verbose"], help: """
                Jobs the caller may see, newest first: at most 100 from start, of a state and a \
                health when given (e.g. FINISHED, COMPLETE), ended in the last `since` minutes \
                when above 0; verbose adds actual_device, start_time, end_time, error_msg and \
                error_type.
                """) { try await list($0) },
            RPCMethod(name: "scheduler.jobs.cancel", parameters: ["job_id"], help: """
                Cancels a job (its submitter or an admin). True, also when it had already finished.
                """) { try await cancel($0) },
            RPCMethod(name: "scheduler.jobs.definition", parameters: ["job_id"], help: """
                The job's definition as submitted (secrets masked unless the job is personal).
                """) { try await definition($0) },
        ]
    }

    private func submit(_ call: RPCCall) async throws -> XMLRPCValue {
        let user = try call.requireUser()
        let yaml = try call.arguments.string(0)
        guard yaml.utf8.count <= 4 * 1024 * 1024 else { throw XMLRPCFault(400, "Job definition too large: the limit is 4 MiB") }
        switch try await JobSubmission(server: server).submit(yaml, by: user) {
        case .success(let id):
            scheduler?.wake()
            return .int(id)
        case .failure(let refusal):
            throw XMLRPCFault(400, refusal.message)
        }
    }

    /// The job if the caller may see it; else the same 404 as for no job, so that a private
    /// job's existence is not told (LAVA answers 403 "not available").
    private func visibleJob(_ call: RPCCall, withDefinition: Bool = false) async throws -> JobRecord {
        let id = try call.arguments.jobID(0)
        let job = try await server.database.read { db -> JobRecord? in
            guard let job = try await JobStore.find(db, id: id, withDefinition: withDefinition),
                  try await JobAccess.canView(db, job, viewer: call.user) else { return nil }
            return job
        }
        guard let job else { throw XMLRPCFault(404, "Job '\(id)' was not found.") }
        return job
    }

    private func show(_ call: RPCCall) async throws -> XMLRPCValue {
        let job = try await visibleJob(call)
        let groups = job.visibility == .group ? try await server.database.read { try await JobStore.viewingGroups($0, id: job.id) } : []
        let visibility = switch job.visibility {
        case .public: "Public"
        case .personal: "Personal"
        case .group: "Group (\(groups.joined(separator: ", ")))"
        }
        return .structure([
            "id": .int(job.id),
            "description": .string(job.description),
            "device": .string(job.device),
            "device_type": .string(job.deviceType),
            "submitter": .string(job.submitter),
            "state": .string(job.state.name),
            "health": .string(job.health.name),
            "health_check": .bool(false),
            "pipeline": .bool(true),
            "failure_comment": .string(job.failureComment.isEmpty ? nil : job.failureComment),
            "tags": .array([]),
            "visibility": .string(visibility),
            "submit_time": .dateTime(Date(timeIntervalSince1970: job.submitTime)),
            "start_time": .dateTime(job.startTime.map(Date.init(timeIntervalSince1970:))),
            "end_time": .dateTime(job.endTime.map(Date.init(timeIntervalSince1970:))),
        ])
    }

    private func logs(_ call: RPCCall) async throws -> XMLRPCValue {
        // The state first: a job that finishes while its log is read is told finished next time.
        let job = try await visibleJob(call)
        func position(_ value: Int) -> Int { min(max(value, 0), RequestInteger.maxPosition) }
        let start = position(try call.arguments.int(1, default: 0))
        let end = try call.arguments.optionalInt(2).map(position)
        let chunk = try await JobLogChunk.read(server.logs, job: job, start: start, end: end, maxBytes: Self.maxLogBytes)
        return .array([.bool(job.state == .finished && chunk.complete), .base64(chunk.bytes)])
    }

    private func list(_ call: RPCCall) async throws -> XMLRPCValue {
        let arguments = call.arguments
        var query = JobQuery(withDefinitions: false, viewer: call.user)
        // As LAVA: an empty filter is no filter.
        if let text = try arguments.optionalString(0), !text.isEmpty {
            guard let state = JobState(name: Self.capitalized(text)) else { throw XMLRPCFault(400, "Invalid state '\(text.prefix(40))'") }
            query.state = state
        }
        if let text = try arguments.optionalString(1), !text.isEmpty {
            guard let health = JobHealth(name: Self.capitalized(text)) else { throw XMLRPCFault(400, "Invalid health '\(text.prefix(40))'") }
            query.health = health
        }
        query.offset = min(max(try arguments.int(2, default: 0), 0), RequestInteger.maxPosition)
        query.limit = min(max(try arguments.int(3, default: 25), 0), 100)
        // Minutes, bounded to a century so that the arithmetic cannot overflow.
        let since = min(max(try arguments.int(4, default: 0), 0), 100 * 366 * 24 * 60)
        if since > 0 { query.endedSince = server.now() - Double(since) * 60 }
        let verbose = try arguments.bool(5, default: false)
        let filter = query
        let jobs = try await server.database.read { try await JobStore.list($0, filter).jobs }
        return .array(jobs.map { job in
            var item: [String: XMLRPCValue] = [
                "id": .int(job.id), "description": .string(job.description), "device_type": .string(job.deviceType),
                "health": .string(job.health.name), "state": .string(job.state.name), "submitter": .string(job.submitter),
            ]
            if verbose {
                item["actual_device"] = .string(job.device)
                item["start_time"] = .string(job.startTime.map(PythonDateTime.string))
                item["end_time"] = .string(job.endTime.map(PythonDateTime.string))
                item["error_msg"] = .string(job.failureComment.isEmpty ? nil : job.failureComment)
                item["error_type"] = .string(job.errorType.isEmpty ? nil : job.errorType)
            }
            return .structure(item)
        })
    }

    /// As Python's `str.capitalize`, which LAVA applies to the state and health asked for.
    private static func capitalized(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst().lowercased()
    }

    private func cancel(_ call: RPCCall) async throws -> XMLRPCValue {
        let user = try call.requireUser()
        let job = try await visibleJob(call)
        guard JobAccess.canCancel(job, by: user) else {
            throw XMLRPCFault(403, "Only the submitter '\(job.submitter)' or an admin may cancel job \(job.id).")
        }
        switch try await JobTransitions(server: server).cancel(jobID: job.id) {
        case .unknownJob: throw XMLRPCFault(404, "Job '\(job.id)' was not found.")
        // As LAVA: canceling a finished job is no error.
        case .alreadyFinished, .canceled, .canceling:
            scheduler?.wake()
            return .bool(true)
        }
    }

    private func definition(_ call: RPCCall) async throws -> XMLRPCValue {
        let job = try await visibleJob(call, withDefinition: true)
        return .string(SecretMasking.shown(job.definition, visibility: job.visibility))
    }
}

/// Times as Python's `str(datetime)` writes Django's aware ones, which LAVA's `jobs.list`
/// sends as strings: `2023-01-15 10:11:12.345678+00:00`, no fraction when it is 0.
enum PythonDateTime {
    static func string(_ seconds: Double) -> String {
        let whole = seconds.rounded(.down)
        var time = time_t(whole)
        var parts = tm()
        gmtime_r(&time, &parts)
        let micros = Int(((seconds - whole) * 1_000_000).rounded(.down))
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
            + (micros == 0 ? "" : String(format: ".%06d", Int32(micros))) + "+00:00"
    }
}
