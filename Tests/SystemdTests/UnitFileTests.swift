import Foundation
import LavaTestSupport
import Testing

/// The units in systemd/ as systemd reads them. verify exits 0 on many mistakes (an unknown key,
/// a value it cannot parse), printing a warning only, so a line about the unit fails too.
@Suite struct UnitFileTests {
    static let directory = PackageFiles.url("systemd")

    static let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
        .filter { $0.hasSuffix(".service") }.sorted()

    /// The units to verify: each file, a template as its instance lab1.
    static let units = files.map { $0.replacingOccurrences(of: "@.service", with: "@lab1.service") }

    @Test func everyUnitIsVerified() {
        #expect(Self.units == [
            "lava-docker-worker.service", "lava-docker-worker@lab1.service", "lava-scheduler.service",
            "lava-server.service", "lava-worker.service",
        ])
    }

    @Test(arguments: units)
    func unitPassesVerify(_ unit: String) async throws {
        var contents: [String: String] = [:]
        for file in Self.files {
            contents[file] = try String(contentsOf: Self.directory.appendingPathComponent(file), encoding: .utf8)
        }
        let verifier = try UnitVerifier(units: contents)
        defer { verifier.remove() }
        let result = try await verifier.verify(unit)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.problems.isEmpty, "\(result.output)")
    }

    /// The check above is only as good as its reading of verify's output.
    @Test func warningsAreProblems() async throws {
        let broken = "[Service]\nExecStart=/usr/local/bin/lava-server serve\nTimeoutStopSec=soon\nNoSuchKey=yes\n"
        let verifier = try UnitVerifier(units: ["broken@.service": broken])
        defer { verifier.remove() }
        let result = try await verifier.verify("broken@lab1.service")
        #expect(result.problems.contains { $0.contains("soon") }, "\(result.output)")
        #expect(result.problems.contains { $0.contains("NoSuchKey") }, "\(result.output)")
    }
}
