import Foundation
import LavaClient

/// How lava-worker gets its token at start (spec §3.1): `--token` is written to the token file;
/// else an existing token file is read; else the worker registers (with `--username` and a
/// password, or anonymously) and writes what it gets, retrying until the server answers.
public struct WorkerToken: Sendable {
    public enum Source: Sendable, Equatable {
        case given(String)
        case file
        case register(username: String?, password: String?)
    }

    public let file: URL
    public let source: Source

    public init(file: URL, source: Source) {
        self.file = file
        self.source = source
    }

    /// The token to use. Registration failures are passed to `retrying` and retried after
    /// `pause` (LAVA: 5 s, forever); a refusal (4xx) is final.
    public func resolve(name: String, client: LavaServerClient, pause: Duration = .seconds(5),
                        retrying: @Sendable (WorkerAPIError) -> Void = { _ in }) async throws -> String {
        switch source {
        case .given(let token):
            try write(token)
            return token
        case .file:
            if let token = try read() { return token }
            return try await register(name: name, username: nil, password: nil, client: client, pause: pause, retrying: retrying)
        case .register(let username, let password):
            if username == nil, let token = try read() { return token }
            return try await register(name: name, username: username, password: password, client: client, pause: pause, retrying: retrying)
        }
    }

    private func register(name: String, username: String?, password: String?, client: LavaServerClient,
                          pause: Duration, retrying: @Sendable (WorkerAPIError) -> Void) async throws -> String {
        while true {
            let token: String
            do {
                token = try await client.register(name: name, username: username, password: password)
            } catch {
                guard error.isTransient else { throw error }
                retrying(error)
                try await Task.sleep(for: pause)
                continue
            }
            try write(token)
            return token
        }
    }

    /// The token file's content without its trailing newline; nil when there is none.
    func read() throws -> String? {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return nil }
        let token = text.trimmingCharacters(in: .newlines)
        return token.isEmpty ? nil : token
    }

    /// Writes the token readable by its owner only (mode 0600), as LAVA does.
    func write(_ token: String) throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let created = FileManager.default.createFile(atPath: file.path, contents: Data(token.utf8), attributes: [.posixPermissions: 0o600])
        guard created else {
            throw WorkerSetupError("cannot write the token file \(file.path): check --worker-dir and --token-file")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
    }
}
