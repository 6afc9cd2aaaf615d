import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The options that say who the worker is, shared by lava-worker and lava-docker-worker with
/// LAVA's names: `--name`, and one of `--token`, `--token-file`, `--username`.
public struct IdentityOptions: ParsableArguments, Sendable {
    // No default value: ArgumentParser evaluates one even when the option is given (many times),
    // and the FQDN is a name lookup that can wait seconds for a DNS server (`workerName()`).
    @Option(help: "The worker's name on the server ([-_a-zA-Z0-9.]+), by default the host's FQDN.")
    public var name: String?

    @Option(help: "The worker's token (written to the token file).")
    public var token: String?

    @Option(name: .customLong("token-file"), help: "Where the token is kept (default: <worker-dir>/token).")
    public var tokenFile: String?

    @Option(help: "Register with this user's credentials; the password is asked on the terminal.")
    public var username: String?

    public init() {}

    public func validate() throws {
        if let name, !HostName.isValidWorkerName(name) {
            throw ValidationError("'\(name)' is not a valid worker name: use letters, digits, '-', '_' and '.' (--name)")
        }
        guard [token != nil, tokenFile != nil, username != nil].filter({ $0 }).count <= 1 else {
            throw ValidationError("--token, --token-file and --username exclude each other")
        }
    }

    /// `--name`, else `fullyQualifiedName()` (LAVA's default, the host's FQDN), called only then.
    public func workerName(default fullyQualifiedName: () -> String = HostName.fullyQualified) throws(WorkerSetupError) -> String {
        if let name { return name }
        let fqdn = fullyQualifiedName()
        guard HostName.isValidWorkerName(fqdn) else {
            throw WorkerSetupError("the host's FQDN '\(fqdn)' is not a valid worker name: give one with --name")
        }
        return fqdn
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
