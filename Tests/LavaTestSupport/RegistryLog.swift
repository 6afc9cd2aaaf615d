import Foundation

/// The test registry's access log (scripts/docker-engine.sh writes it), read from a mark on:
/// what the registry itself says was asked of it, e.g. a pull's manifest request.
public struct RegistryLog: Sendable {
    public let path: String
    private let start: Int

    /// `LAVA_TEST_REGISTRY_LOG` (scripts/test.sh exports it), else docker-engine.sh's own place.
    /// The log so far is skipped: only what comes after this call is read.
    public init() throws {
        let environment = ProcessInfo.processInfo.environment
        path = environment["LAVA_TEST_REGISTRY_LOG"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["LAVA_DOCKER_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp/lava-docker") + "/registry.log"
        guard let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int else {
            throw TestFailure("no registry log at \(path): run the tests through scripts/test.sh, or export LAVA_TEST_REGISTRY_LOG")
        }
        start = size
    }

    /// The access-log lines written since the mark (`"HEAD /v2/<name>/manifests/<tag> HTTP/1.1" 200 …`).
    public func requests() -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        try? handle.seek(toOffset: UInt64(start))
        let text = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        // The other lines are the registry's own (`time=… level=info msg=…`).
        return text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("time=") }
    }

    /// The pulls' manifest requests (HEAD or GET, not a push's PUT) of `repository:tag` since the
    /// mark; `repository` with its registry, as the engine names it.
    public func manifestPulls(of repository: String, tag: String) -> [String] {
        let name = repository.split(separator: "/", maxSplits: 1).last.map(String.init) ?? repository
        return requests().filter { line in
            ["\"HEAD /v2/\(name)/manifests/\(tag) ", "\"GET /v2/\(name)/manifests/\(tag) "].contains { line.contains($0) }
        }
    }
}
