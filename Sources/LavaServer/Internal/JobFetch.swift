import Hummingbird
import LavaCore

extension InternalAPI {
    /// `GET /scheduler/internal/v1/jobs/<id>/` (spec §2.3): the definition, the device
    /// configuration and the worker's files.
    func fetchJob(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let job = try await authorizedJob(request, context)
        let device = try await server.database.read { db -> DeviceRecord? in
            guard let name = job.device else { return nil }
            return try await DeviceStore.find(db, name: name)
        }
        let worker = job.worker ?? ""
        let deviceConfiguration: String
        if let device, !device.dictionary.isEmpty {
            deviceConfiguration = device.dictionary
        } else {
            deviceConfiguration = try server.workerFiles.deviceType(job.deviceType)
        }
        let answer = JobFetchResponse(
            definition: job.definition,
            device: deviceConfiguration,
            dispatcher: try server.workerFiles.dispatcher(worker: worker),
            env: try server.workerFiles.env(worker: worker),
            envDUT: try server.workerFiles.envDUT(worker: worker)
        )
        server.logs.saveJobFiles(jobID: job.id, submitTime: job.submitTime, answer)
        return try JSONResponse.make(answer)
    }
}
