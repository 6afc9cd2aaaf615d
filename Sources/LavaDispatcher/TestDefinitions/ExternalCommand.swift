import Foundation

/// Runs a worker-side tool (git, tar, gzip, ...) found on PATH, off Swift's cooperative threads
/// since waiting for a process blocks. Cancelling the task terminates the process.
struct ExternalCommand: Sendable {
    struct Output: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String
        /// stdout went past `stdoutLimit`, so the process was stopped.
        let stdoutOverLimit: Bool

        /// stderr (or stdout when stderr is empty) trimmed, for error messages.
        var diagnostics: String {
            let text = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? stdout.trimmingCharacters(in: .whitespacesAndNewlines) : text
        }
    }

    /// The process could not be started (the tool is not installed, ...).
    struct LaunchFailure: Error, CustomStringConvertible {
        let description: String
    }

    let arguments: [String]
    var directory: URL?
    var environment: [String: String] = [:]
    /// Where stdout goes instead of being captured (decompressed archives), and how many bytes
    /// it may take there: a small archive can decompress to enough to fill the worker's disk.
    var stdoutFile: URL?
    var stdoutLimit: Int

    init(_ arguments: [String], directory: URL? = nil, environment: [String: String] = [:], stdoutFile: URL? = nil,
         stdoutLimit: Int = .max) {
        self.arguments = arguments
        self.directory = directory
        self.environment = environment
        self.stdoutFile = stdoutFile
        self.stdoutLimit = stdoutLimit
    }

    func run() async throws(LaunchFailure) -> Output {
        let box = ProcessBox()
        let result: Result<Output, LaunchFailure> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(returning: self.runBlocking(box))
                }
            }
        } onCancel: {
            box.terminate()
        }
        return try result.get()
    }

    private func runBlocking(_ box: ProcessBox) -> Result<Output, LaunchFailure> {
        let process = Process()
        // env looks the tool up on PATH, so a missing tool reports "No such file" on stderr.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardError = stderrPipe
        let stdoutHandle: FileHandle?
        if let stdoutFile {
            guard FileManager.default.createFile(atPath: stdoutFile.path, contents: nil),
                  let handle = try? FileHandle(forWritingTo: stdoutFile) else {
                return .failure(LaunchFailure(description: "cannot create \(stdoutFile.path)"))
            }
            stdoutHandle = handle
        } else {
            stdoutHandle = nil
        }
        process.standardOutput = stdoutPipe
        defer { try? stdoutHandle?.close() }
        do {
            try box.start(process)
        } catch {
            return .failure(LaunchFailure(description: "cannot run \(arguments.first ?? ""): \(error)"))
        }
        // Both pipes are drained concurrently so neither fills up and blocks the child.
        let stdoutData = Locked(Data())
        let overLimit = Locked(false)
        let group = DispatchGroup()
        if let stdoutHandle {
            let limit = stdoutLimit
            DispatchQueue.global().async(group: group) {
                let reader = stdoutPipe.fileHandleForReading
                var written = 0
                while case let chunk = reader.availableData, !chunk.isEmpty {
                    written += chunk.count
                    guard written <= limit, (try? stdoutHandle.write(contentsOf: chunk)) != nil else {
                        overLimit.set(written > limit)
                        // The tool's next write fails (EPIPE) and it exits, whatever signals it
                        // inherited blocked or ignored.
                        try? reader.close()
                        return
                    }
                }
            }
        } else {
            DispatchQueue.global().async(group: group) {
                stdoutData.set(stdoutPipe.fileHandleForReading.readDataToEndOfFile())
            }
        }
        let stderrData = stderrPipe.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return .success(Output(
            status: process.terminationStatus,
            stdout: String(decoding: stdoutData.get(), as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self),
            stdoutOverLimit: overLimit.get()))
    }
}

/// Lets the cancellation handler reach the process started on another thread.
private final class ProcessBox: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var process: Process?
    private var cancelled = false

    func start(_ process: Process) throws {
        try lock.withLock {
            guard !cancelled else { throw CancellationError() }
            try process.run()
            self.process = process
        }
    }

    func terminate() {
        lock.withLock {
            cancelled = true
            if let process, process.isRunning { process.terminate() }
        }
    }
}

private final class Locked<Value: Sendable>: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func set(_ newValue: Value) { lock.withLock { value = newValue } }
    func get() -> Value { lock.withLock { value } }
}
