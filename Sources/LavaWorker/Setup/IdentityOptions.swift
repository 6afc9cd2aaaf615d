import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The options that say who the worker is, shared by lava-worker and lava-docker-worker with
/// LAVA's names: `--name`, and one of `--token`, `--token-file`, `--username`.
public struct IdentityOptions: ParsableArguments, Sendable {
    @Option(help: "The worker's name on the server ([-_a-zA-Z0-9.]+), by default the host's FQDN.")
    public var name: String = HostName.fullyQualified()

    @Option(help: "The worker's token (written to the token file).")
    public var token: String?

    @Option(name: .customLong("token-file"), help: "Where the token is kept (default: <worker-dir>/token).")
    public var tokenFile: String?

    @Option(help: "Register with this user's credentials; the password is asked on the terminal.")
    public var username: String?

    public init() {}

    public func validate() throws {
        guard HostName.isValidWorkerName(name) else {
            throw ValidationError("'\(name)' is not a valid worker name: use letters, digits, '-', '_' and '.' (--name)")
        }
        guard [token != nil, tokenFile != nil, username != nil].filter({ $0 }).count <= 1 else {
            throw ValidationError("--token, --token-file and --username exclude each other")
        }
    }

    /// Where the token comes from; with `--username` the password is asked on the terminal now.
    public func tokenSource() throws(WorkerSetupError) -> WorkerToken.Source {
        if let token { return .given(token) }
        guard let username else { return .file }
        guard let password = getpass("Password for \(username): ").map({ String(cString: $0) }) else {
            throw WorkerSetupError("--username needs a password typed on a terminal")
        }
        return .register(username: username, password: password)
    }
}
