import Foundation
import LavaCore

/// The per-worker files the job fetch hands out (spec §1), first existing file wins:
/// `dispatcher.d/<name>/dispatcher.yaml`, `dispatcher.d/<name>.yaml`; `dispatcher.d/<name>/env.yaml`,
/// `env.yaml`; `dispatcher.d/<name>/env-dut.yaml`, `env-dut.yaml`, `env.dut.yaml`.
struct WorkerConfigFiles: Sendable {
    let root: URL

    func dispatcher(worker: String) throws(APIError) -> String {
        let worker = try component(worker)
        return try first([dispatcherDirectory.appending(worker, isDirectory: true).appendingPathComponent("dispatcher.yaml"),
                          dispatcherDirectory.appending(try component(worker.name + ".yaml"))])
    }

    func env(worker: String) throws(APIError) -> String {
        try first([dispatcherDirectory.appending(try component(worker), isDirectory: true).appendingPathComponent("env.yaml"),
                   root.appendingPathComponent("env.yaml")])
    }

    func envDUT(worker: String) throws(APIError) -> String {
        try first([dispatcherDirectory.appending(try component(worker), isDirectory: true).appendingPathComponent("env-dut.yaml"),
                   root.appendingPathComponent("env-dut.yaml"), root.appendingPathComponent("env.dut.yaml")])
    }

    /// Which of the three the worker has a file of its own for in `dispatcher.d/<name>/` (LAVA's
    /// `default_config`, `default_env` and `default_env_dut` are the negations; like LAVA, the
    /// older `dispatcher.d/<name>.yaml` does not count).
    func ownFiles(worker: String) throws(APIError) -> (dispatcher: Bool, env: Bool, envDUT: Bool) {
        let directory = dispatcherDirectory.appending(try component(worker), isDirectory: true)
        func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }
        return (exists(directory.appendingPathComponent("dispatcher.yaml")),
                exists(directory.appendingPathComponent("env.yaml")),
                exists(directory.appendingPathComponent("env-dut.yaml")))
    }

    private var dispatcherDirectory: URL { root.appendingPathComponent("dispatcher.d", isDirectory: true) }

    /// Worker names are checked when created; checked again here because they become file names.
    private func component(_ name: String) throws(APIError) -> PathComponent {
        do {
            return try PathComponent(name)
        } catch {
            throw APIError(.badRequest, "\(error)")
        }
    }

    /// Missing files read as "". A file that is not YAML is the admin's to fix: LAVA answers an
    /// unexplained 500; we name the file.
    private func first(_ candidates: [URL]) throws(APIError) -> String {
        for url in candidates {
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            do {
                _ = try UntrustedYAML.load(text)
            } catch {
                throw APIError(.internalServerError, "Server configuration file \(url.path) is not valid YAML: \(error)")
            }
            return text
        }
        return ""
    }
}
