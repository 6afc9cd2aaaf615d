import LavaCore

/// A job definition checked and stored for `user`, for the REST API and the submit page alike:
/// either every row is written or, refused, none.
struct JobSubmission: Sendable {
    let server: Server

    /// Why a definition was refused, in words the submitter can act on.
    struct Refusal: Error, Sendable {
        let message: String
    }

    func submit(_ yaml: String, by user: UserRecord) async throws -> Result<Int, Refusal> {
        let definition: JobDefinition
        do {
            definition = try JobDefinition(yaml: yaml)
        } catch {
            return .failure(Refusal(message: "Invalid job definition: \(error)"))
        }
        let submission = NewJob(
            submitter: user.name, description: definition.jobName, definition: yaml, deviceType: definition.deviceType,
            requestedWorker: definition.requestedWorker, requestedDevice: definition.requestedDevice,
            priority: definition.priority, token: Token.generate(), submitTime: server.now(),
            jobTimeout: definition.jobTimeout.seconds, queueTimeout: definition.queueTimeout?.seconds,
            logStore: server.configuration.logStore
        )
        let deviceType = submission.deviceType
        return try await server.database.write { db -> Result<Int, Refusal> in
            var job = submission
            guard try await DeviceStore.typeExists(db, name: job.deviceType) else {
                return .failure(Refusal(message: "Unknown device type '\(deviceType)': an admin adds it with `lava-server device-types add \(deviceType)`"))
            }
            switch definition.visibility {
            case .public: job.visibility = .public
            case .personal: job.visibility = .personal
            case .group(let names):
                // As LAVA: unknown groups are dropped, and at least one must be known.
                job.visibility = .group
                job.viewingGroups = try await GroupStore.known(db, among: names)
                guard !job.viewingGroups.isEmpty else {
                    return .failure(Refusal(message: "No known groups were found in the visibility list: an admin adds one with `lava-server groups add NAME`"))
                }
            }
            return .success(try await JobStore.insert(db, job))
        }
    }
}
