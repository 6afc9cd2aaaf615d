import Hummingbird
import LavaCore

extension InternalAPI {
    /// `GET /scheduler/internal/v1/workers/<name>/?version=` (spec §2.2).
    ///
    /// Cost: one indexed read (the worker joined with its live jobs). A change of state or version is
    /// written at once; the ping time alone goes to the ledger, written once a second for all.
    static let maxVersionLength = 50

    func ping(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        let database = server.database
        guard let (worker, jobs) = try await database.read({ try await WorkerStore.findWithLiveJobs($0, name: name) }) else {
            throw APIError.unknownWorker(name)
        }
        guard let token = request.headers[Self.tokenHeader] else { throw APIError.missingToken() }
        guard Token.matches(token, hash: worker.tokenHash) else { throw APIError.invalidToken() }
        guard let version = request.uri.queryParameters.get("version") else { throw APIError.missing("version") }
        // Stored and shown for every worker: LAVA's column holds 50 characters.
        guard version.count <= Self.maxVersionLength else {
            throw APIError(.badRequest, "Invalid 'version': at most \(Self.maxVersionLength) characters")
        }

        let serverVersion = server.configuration.version
        let accepted = try await server.versionPolicy.current().accepts(worker: version, server: serverVersion)
        let now = server.now()
        let updated = Self.afterPing(worker, version: version, accepted: accepted, now: now)
        if updated.state != worker.state || updated.version != worker.version {
            server.pings.discard(worker: name)
            try await database.write { try await WorkerStore.recordPing($0, updated, previous: worker) }
        } else {
            server.pings.record(worker: name, lastPing: accepted ? now : nil, lastContact: now)
        }
        server.metrics.ping(accepted: accepted)

        var answer = PingResponse()
        for job in jobs {
            let ticket = JobTicket(id: job.id, token: job.token)
            switch job.state {
            case .scheduled where accepted: answer.start.append(ticket)
            case .running: answer.running.append(ticket)
            case .canceling: answer.cancel.append(ticket)
            default: break
            }
        }
        // A stale worker drains: 200 while it has running or canceling jobs, then 409 (spec §2.2 step 7).
        if !accepted, answer.cancel.isEmpty, answer.running.isEmpty {
            throw APIError(.conflict, "Version mismatch '\(version)' vs '\(serverVersion)'")
        }
        return try JSONResponse.make(answer)
    }

    /// The worker row after a ping: LAVA's rules (a mismatch puts it Offline and does not refresh
    /// `last_ping`), plus `last_contact`, refreshed by any authenticated ping.
    static func afterPing(_ worker: WorkerRecord, version: String, accepted: Bool, now: Double) -> WorkerRecord {
        var updated = worker
        updated.version = version
        updated.state = accepted ? .online : .offline
        if accepted { updated.lastPing = now }
        updated.lastContact = now
        return updated
    }
}
