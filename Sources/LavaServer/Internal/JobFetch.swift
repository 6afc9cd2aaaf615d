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
        let answer = JobFetchResponse(
            definition: job.definition,
            device: try device.map { try configuration($0, job: job) } ?? "",
            dispatcher: try server.workerFiles.dispatcher(worker: worker),
            env: try server.workerFiles.env(worker: worker),
            envDUT: try server.workerFiles.envDUT(worker: worker)
        )
        await server.logs.saveJobFiles(job.logKey, answer)
        return try JSONResponse.make(answer)
    }

    /// The device's configuration for this job. One that does not render is the admin's to fix;
    /// the worker asks again later.
    private func configuration(_ device: DeviceRecord, job: JobRecord) throws(APIError) -> String {
        let context: JobContext
        do {
            context = try JobContext(definition: job.definition)
        } catch {
            throw APIError(.internalServerError, "Job \(job.id)'s context is not valid: \(error)")
        }
        do {
            return try server.deviceTemplates.configuration(device: device, context: context)
        } catch {
            throw APIError(.internalServerError, "The configuration of device '\(device.name)' does not render: \(error); "
                + "an admin fixes its template or its dictionary (`lava-server devices update \(device.name) --dictionary FILE`)")
        }
    }
}
