/// Runs `body` under a time limit: past it, `body` is cancelled and `expired` is thrown.
/// `body` must end when cancelled (every wait in lava-run does).
func withDeadline<T: Sendable>(_ limit: Duration, expired: JobError,
                               _ body: @escaping @Sendable () async throws(JobError) -> T) async throws(JobError) -> T {
    let outcome: Result<T, JobError> = await withTaskGroup(of: Result<T, JobError>?.self) { group in
        group.addTask {
            do throws(JobError) {
                return .success(try await body())
            } catch {
                return .failure(error)
            }
        }
        group.addTask {
            // A sleep cut short by cancellation means the body ended first or the job was canceled.
            guard (try? await Task.sleep(for: limit)) != nil else { return nil }
            return .failure(expired)
        }
        var first: Result<T, JobError>?
        while let next = await group.next() {
            if let next {
                first = first ?? next
                group.cancelAll()
            }
        }
        return first ?? .failure(.canceled)
    }
    return try outcome.get()
}
