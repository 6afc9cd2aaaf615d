import LavaCore

/// A job's log as LAVA's `output.yaml`, from whichever store holds it (`lava-server logs export`).
public struct LogExport: Sendable {
    let logs: JobLogStores
    let database: any Database

    public init(configuration: ServerConfiguration, database: any Database) {
        logs = JobLogStores(dataDirectory: configuration.dataDirectory, database: database)
        self.database = database
    }

    /// Hands the job's log to `write` a chunk of whole lines at a time; false when the job has
    /// no log yet.
    public func export(jobID: Int, _ write: ([UInt8]) async throws -> Void) async throws -> Bool {
        guard let job = try await database.read({ try await JobStore.find($0, id: jobID, withDefinition: false) }) else {
            throw AdminError(.notFound, "Unknown job '\(jobID)'")
        }
        guard try await logs.count(job.logKey) != nil else { return false }
        try await logs.read(job.logKey, lines: 0..<Int.max) { bytes, _ in
            try await write(bytes)
            return true
        }
        return true
    }
}
