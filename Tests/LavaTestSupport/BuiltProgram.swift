import Foundation

/// The package's own executables as the tests run them: found beside the test bundle in the build
/// directory, run to their end.
public enum BuiltProgram {
    /// `name` (lava-server, lava-worker, lava-docker-worker, ...) in the build directory.
    public static func path(_ name: String) -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while directory.path != "/", !FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path) {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent(name)
    }

    /// Runs `executable` to its end: exit status, standard output and standard error. Waited
    /// for on a thread of its own (`onOwnThread`).
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) async throws
        -> (status: Int32, output: String, error: String) {
        try await onOwnThread { try runBlocking(executable, arguments, environment: environment) }
    }

    private static func runBlocking(_ executable: URL, _ arguments: [String], environment: [String: String])
        throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        // Both outputs go to files, not pipes: Foundation's Pipe can close a descriptor twice
        // when processes end at high concurrency (swiftlang/swift#57827), and the second close
        // hits whatever the test process opened since, a server's socket say.
        let files = ["stdout", "stderr"].map {
            FileManager.default.temporaryDirectory.appendingPathComponent("built-program-\(UUID().uuidString).\($0)")
        }
        defer { for file in files { try? FileManager.default.removeItem(at: file) } }
        for file in files { try Data().write(to: file) }
        let output = try FileHandle(forWritingTo: files[0])
        defer { try? output.close() }
        let error = try FileHandle(forWritingTo: files[1])
        defer { try? error.close() }
        process.standardOutput = output
        process.standardError = error
        try process.run()
        process.waitUntilExit()
        let (out, err) = (try Data(contentsOf: files[0]), try Data(contentsOf: files[1]))
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}
