import DockerEngine

/// The deploy action of a docker job: the image is used if the engine has it, pulled otherwise
/// (LAVA pulls unless `local: true`; pulling an image that is there only costs time, and a lab
/// without registry access could not run at all).
struct ImageDeployment {
    let docker: DockerClient
    let log: JobLog

    func run(image: String) async throws(JobError) {
        do throws(DockerError) {
            if let present = try await docker.inspectImage(image) {
                log.info("Using the local image \(image) (\(present.id))")
                return
            }
            log.info("Pulling \(image)")
            try await docker.pullImage(image) { [log] line in log.debug(line) }
        } catch .cancelled {
            throw .canceled
        } catch .imageNotFound(_, let message) {
            throw JobError(.job, "The image \(image) is neither on this worker nor in its registry: \(message)")
        } catch {
            throw JobError(.infrastructure, "Cannot get the image \(image): \(error)")
        }
    }
}
