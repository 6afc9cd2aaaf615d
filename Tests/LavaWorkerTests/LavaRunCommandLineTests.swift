import Foundation
import LavaCore
import LavaTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// lava-run's stop once its job has ended: the upload of the last lines waits for the server
/// for as long as it takes, and only a signal ends it (spec §5.2).
@Suite struct LavaRunCommandLineTests {
    @Test("the job has ended but the server does not answer: SIGTERM stops the log upload, status 1, result.yaml written")
    func signalAfterTheJob() async throws {
        let server = try StallingServer()
        defer { server.stop() }
        let files = try TemporaryDirectory()
        defer { files.remove() }
        try files.write("device_type: docker\njob_name: x\nactions: []\n", to: "job.yaml")
        // No docker boot method: the job fails at once, before any container.
        try files.write("{}", to: "device.yaml")
        let output = files.url.appendingPathComponent("output")
        let run = try ChildProcess(BuiltProgram.path("lava-run"), [
            "--device", files.url.appendingPathComponent("device.yaml").path, "--output-dir", output.path,
            "--job-id", "7", "--url", server.url, "--token", "t", "--job-log-interval", "1",
            files.url.appendingPathComponent("job.yaml").path,
        ], environment: ["http_proxy": ""], logFile: files.url.appendingPathComponent("lava-run.log"))
        defer { run.kill() }
        var requests = server.requests.makeAsyncIterator()
        #expect(await requests.next() == "POST /scheduler/internal/v1/jobs/7/logs/ HTTP/1.1")
        let result = output.appendingPathComponent("result.yaml")
        for _ in 0..<600 where !FileManager.default.fileExists(atPath: result.path) {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(JobResultFile(yaml: try String(contentsOf: result, encoding: .utf8))?.passed == false)
        run.signal(SIGTERM)
        #expect(try await run.exitStatus(within: 60) == 1, "\(run.log)")
        #expect(run.log.contains("stopping the log upload"), "\(run.log)")
    }
}
