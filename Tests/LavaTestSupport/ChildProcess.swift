import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A long-running program a test starts (a server, a load balancer), its standard output and
/// error appended to a file for the failure messages.
public final class ChildProcess: Sendable {
    private let process: Process
    public let logFile: URL

    public init(_ executable: URL, _ arguments: [String], environment: [String: String] = [:], logFile: URL) throws {
        if !FileManager.default.fileExists(atPath: logFile.path) {
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        }
        let output = try FileHandle(forWritingTo: logFile)
        defer { try? output.close() }
        try output.seekToEnd()
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        try process.run()
        self.logFile = logFile
    }

    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    public func signal(_ number: Int32) {
        Glibc.kill(process.processIdentifier, number)
    }

    /// The exit status once the program has ended; failing after `seconds`, as a guard against
    /// a hang rather than a measure of speed.
    public func exitStatus(within seconds: Int) async throws -> Int32 {
        for _ in 0..<(seconds * 10) {
            if !process.isRunning { return process.terminationStatus }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("\(process.executableURL?.lastPathComponent ?? "the program") did not exit within \(seconds) s; its output:\n\(log)")
    }

    /// SIGKILL, as a crash; also the only sure end: the test runner may leave SIGTERM ignored,
    /// which children inherit.
    public func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
