import Foundation
import LavaTestSupport

/// Where NameLookupTests run a program: a directory of its own, a hostname that resolves nowhere,
/// a name server that never answers and keeps what it is asked, and strace around the program.
struct LookupWatch {
    let directory: URL
    let hostname: String
    let nameServer: SilentNameServer
    let trace: NetworkTrace
    private let resolver: IsolatedResolver

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("lava-lookup-\(UUID().uuidString)")
        // Different in every test.
        hostname = "lava-nowhere-\(UUID().uuidString.prefix(8).lowercased())"
        nameServer = try SilentNameServer()
        resolver = try IsolatedResolver(resolvConf: nameServer.resolvConf, hostname: hostname, directory: directory)
        trace = try NetworkTrace(directory: directory)
    }

    /// The command line to put before a program: its resolv.conf and hostname, then strace.
    var launcher: [String] { resolver.launcher + trace.launcher }

    /// Runs the built `program` so, to its end.
    func run(_ program: String, _ arguments: [String]) async throws -> (status: Int32, output: String, error: String) {
        let command = launcher + [BuiltProgram.path(program).path] + arguments
        return try await BuiltProgram.run(URL(fileURLWithPath: command[0]), Array(command.dropFirst()))
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
