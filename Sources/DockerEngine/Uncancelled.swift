/// Runs `body` to its end even when the calling task is cancelled: a create the engine may carry
/// out after a cancelled request must return its id, or nobody could remove the container.
public func uncancelled<T: Sendable>(_ body: @escaping @Sendable () async throws(DockerError) -> T) async throws(DockerError) -> T {
    try await Task { () -> Result<T, DockerError> in
        do throws(DockerError) { return .success(try await body()) } catch { return .failure(error) }
    }.value.get()
}
