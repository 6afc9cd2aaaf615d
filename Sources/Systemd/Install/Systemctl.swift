import Foundation

/// systemctl, for the service's unit, when systemd is the running init.
struct Systemctl {
    let root: URL

    /// sd_booted(3)'s test. Looked up under the root prefix, so an installation into a staging
    /// directory never starts or stops anything on the host running it.
    var isRunning: Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent("run/systemd/system").path)
    }

    func run(_ arguments: [String]) throws(InstallError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["systemctl"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .systemctlFailed(arguments: arguments, status: -1, output: error.localizedDescription)
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .systemctlFailed(
                arguments: arguments, status: process.terminationStatus,
                output: String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
