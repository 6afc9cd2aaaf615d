import Foundation
import LavaTestSupport
import Testing

/// `lava-docker-worker install`, the built program, into a temporary root (no systemd there, so
/// nothing is started): what its options put into the environment file the unit reads.
@Suite struct InstallCommandTests {
    static func install(_ root: URL, _ arguments: [String]) async throws -> (status: Int32, output: String, error: String) {
        try await BuiltProgram.run(BuiltProgram.path("lava-docker-worker"), [
            "install", "--url", "http://lava.example:8000/", "--name", "lab-1", "--token", "0123456789abcdef",
            "--root", root.path,
        ] + arguments)
    }

    static func environment(_ root: URL) throws -> [Substring] {
        try String(contentsOf: root.appendingPathComponent("etc/lava-dispatcher-host/lava-docker-worker"), encoding: .utf8)
            .split(separator: "\n")
    }

    @Test("--metrics-address goes into the environment file as METRICS_ADDRESS, and into the command to start by hand",
          arguments: [("127.0.0.1:9250", "127.0.0.1:9250"), ("[::1]:9251", "'[::1]:9251'")])
    func metricsAddress(address: String, shellWord: String) async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let run = try await Self.install(root.url, ["--metrics-address", address])
        #expect(run.status == 0, "\(run.error)")
        #expect(try Self.environment(root.url).filter { $0.hasPrefix("METRICS_ADDRESS=") } == [#"METRICS_ADDRESS="--metrics-address \#(address)""#])
        // A shell would take the brackets for a pattern: the line quotes them.
        #expect(run.output.contains(" --metrics-address \(shellWord) "), "\(run.output)")
    }

    @Test("without --metrics-address the environment file sets no METRICS_ADDRESS: the service serves no metrics")
    func noMetricsAddress() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let run = try await Self.install(root.url, [])
        #expect(run.status == 0, "\(run.error)")
        #expect(try Self.environment(root.url).filter { $0.hasPrefix("METRICS_ADDRESS=") } == [])
        #expect(!run.output.contains("--metrics-address"), "\(run.output)")
    }

    @Test("an address that is not HOST:PORT is refused before anything is written")
    func badMetricsAddress() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let run = try await Self.install(root.url, ["--metrics-address", "localhost"])
        #expect(run.status == 64, "\(run.output)\(run.error)")
        #expect(run.error.contains("--metrics-address"), "\(run.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.url.path) == [])
    }
}
