import SQLKit

/// The job state machine of spec §4.1, shared by the worker API, the REST API and the
/// scheduler. Every transition runs in one transaction with the job row locked and is a no-op
/// when the job is already at or past its target state.
struct JobTransitions: Sendable {
    let server: Server

    /// Infrastructure error types put the device's health to Unknown (spec §2.4).
    static let infrastructureErrors: Set<String> = ["Bug", "Configuration", "Infrastructure"]

    /// Worker's `RUNNING`: Scheduled → Running, device → Running.
    func markRunning(jobID: Int) async throws {
        try await server.database.write { db in
            guard let job = try await JobStore.find(db, id: jobID, forUpdate: true), job.state == .scheduled else { return }
            try await JobStore.markRunning(db, id: jobID, now: server.now())
            if let device = job.device {
                try await DeviceStore.setState(db, name: device, state: .running)
            }
        }
    }

    /// Worker's `FINISHED`: Complete or Incomplete, Canceled if it was Canceling; device → Idle.
    func finish(jobID: Int, passed: Bool, errorType: String, errors: String) async throws {
        let now = server.now()
        try await server.database.write { db in
            guard let job = try await JobStore.find(db, id: jobID, forUpdate: true), job.state != .finished else { return }
            let health: JobHealth = job.state == .canceling ? .canceled : (passed ? .complete : .incomplete)
            try await Self.end(db, job, health: health, errorType: errorType, comment: errors, now: now)
            if let device = job.device, Self.infrastructureErrors.contains(errorType) {
                _ = try await DeviceStore.setHealth(db, name: device, health: .unknown)
            }
        }
    }

    enum CancelOutcome: Sendable {
        case unknownJob
        case alreadyFinished
        case canceled
        case canceling
    }

    /// A user's cancel: Submitted → Finished/Canceled; Scheduled or Running → Canceling.
    func cancel(jobID: Int) async throws -> CancelOutcome {
        let now = server.now()
        return try await server.database.write { db in
            guard let job = try await JobStore.find(db, id: jobID, forUpdate: true) else { return .unknownJob }
            switch job.state {
            case .submitted, .scheduling:
                try await Self.end(db, job, health: .canceled, errorType: "", comment: "", now: now)
                return .canceled
            case .scheduled, .running:
                try await JobStore.markCanceling(db, id: jobID)
                return .canceling
            case .canceling:
                return .canceling
            case .finished:
                return .alreadyFinished
            }
        }
    }

    /// Ends a job and frees its device, inside the caller's transaction.
    static func end(_ db: any SQLDatabase, _ job: JobRecord, health: JobHealth, errorType: String, comment: String, now: Double) async throws {
        try await JobStore.finish(db, id: job.id, health: health, now: now, startTime: job.startTime,
                                  errorType: errorType, failureComment: comment)
        if let device = job.device {
            try await DeviceStore.setState(db, name: device, state: .idle)
        }
    }
}
