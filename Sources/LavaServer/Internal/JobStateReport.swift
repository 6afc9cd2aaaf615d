import Hummingbird
import LavaCore

extension InternalAPI {
    /// `POST /scheduler/internal/v1/jobs/<id>/` with `state=RUNNING` or `state=FINISHED` (spec §2.4).
    func reportState(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let job = try await authorizedJob(request, context)
        let form = try await FormBody.read(request, limit: server.configuration.maxLogUploadBytes)
        let given = form["state"] ?? ""
        let capitalised = given.prefix(1).uppercased() + given.dropFirst().lowercased()
        guard let state = JobState(name: capitalised) else { throw APIError(.badRequest, "Invalid state '\(capitalised)'") }
        switch state {
        case .running:
            try await JobTransitions(server: server).markRunning(jobID: job.id)
        case .finished:
            let result = form["result"] ?? ""
            guard result == "pass" || result == "fail" else { throw APIError(.badRequest, "Invalid health '\(result)'") }
            try await JobTransitions(server: server).finish(
                jobID: job.id,
                passed: result == "pass",
                errorType: form["error_type"] ?? "",
                errors: form["errors"] ?? ""
            )
            if let description = form["description"], !description.isEmpty {
                await server.logs.saveDescription(job.logKey, description)
            }
        default:
            throw APIError(.badRequest, "Not handled state '\(capitalised)'")
        }
        return try JSONResponse.make([String: String]())
    }
}
