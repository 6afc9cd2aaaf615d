import Foundation

extension DockerClient {
    /// Runs a call that answers with a JSON progress stream, hands each message's human line to
    /// `progress`, and throws the first `error` message once the stream has ended.
    func followProgress(
        _ request: EngineRequest,
        operation: String,
        notFound: DockerError? = nil,
        progress: @escaping @Sendable (String) -> Void
    ) async throws(DockerError) {
        let state = Locked<(lines: LineSplitter, error: String?)>((LineSplitter(), nil))
        @Sendable func handle(_ line: [UInt8]) {
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { return }
            guard let message = try? JSONDecoder().decode(ProgressMessage.self, from: Data(text.utf8)) else {
                progress(text)
                return
            }
            if let error = message.error { state.withLock { if $0.error == nil { $0.error = error } } }
            if let line = message.humanLine { progress(line) }
        }
        var request = request
        request.timeout = nil
        try await connection.stream(request, notFound: notFound) { chunk in
            for line in state.withLock({ $0.lines.feed(chunk) }) { handle(line) }
        }
        if let rest = state.withLock({ $0.lines.finish() }) { handle(rest) }
        if let error = state.withLock({ $0.error }) {
            throw .operationFailed(operation: operation, message: error)
        }
    }
}
