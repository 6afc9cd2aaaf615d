import Foundation

/// Debian's `/usr/bin/python3`, for the reference behaviour of its standard library
/// (xmlrpc.client, on which lavacli and LAVA are built).
public enum Python {
    /// Runs `source`, which finds `input` in the file named by `sys.argv[1]` (a file, not a
    /// pipe: see BuiltProgram), and returns what it printed; a failure is thrown with its traceback.
    public static func run(_ source: String, input: [UInt8] = []) async throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("python-input-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(input).write(to: file)
        let result = try await BuiltProgram.run(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", source, file.path])
        guard result.status == 0 else { throw TestFailure("python3 failed (\(result.status)): \(result.error)") }
        return result.output
    }
}
