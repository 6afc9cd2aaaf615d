import Foundation
import Yams

/// The per-worker files the job fetch hands out (spec §1), first existing file wins:
/// `dispatcher.d/<name>/dispatcher.yaml`, `dispatcher.d/<name>.yaml`; `dispatcher.d/<name>/env.yaml`,
/// `env.yaml`; `dispatcher.d/<name>/env-dut.yaml`, `env-dut.yaml`, `env.dut.yaml`.
struct WorkerConfigFiles: Sendable {
    let root: URL

    func dispatcher(worker: String) throws(APIError) -> String {
        try first(["dispatcher.d/\(worker)/dispatcher.yaml", "dispatcher.d/\(worker).yaml"])
    }

    func env(worker: String) throws(APIError) -> String {
        try first(["dispatcher.d/\(worker)/env.yaml", "env.yaml"])
    }

    func envDUT(worker: String) throws(APIError) -> String {
        try first(["dispatcher.d/\(worker)/env-dut.yaml", "env-dut.yaml", "env.dut.yaml"])
    }

    /// The device-type file sent as the device configuration when a device has no dictionary.
    func deviceType(_ name: String) throws(APIError) -> String {
        try first(["device-types/\(name).yaml"])
    }

    /// Missing files read as "". A file that is not YAML is the admin's to fix: LAVA answers an
    /// unexplained 500; we name the file.
    private func first(_ candidates: [String]) throws(APIError) -> String {
        for candidate in candidates {
            let url = root.appendingPathComponent(candidate)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            do {
                _ = try Yams.load(yaml: text)
            } catch {
                throw APIError(.internalServerError, "Server configuration file \(url.path) is not valid YAML: \(error)")
            }
            return text
        }
        return ""
    }
}
