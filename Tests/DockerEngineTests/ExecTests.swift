import DockerEngine
import Foundation
import Testing

@Suite struct ExecTests {
    @Test("exec streams stdout and stderr apart and returns the exit code")
    func execOutput() async throws {
        let client = try TestEngine.client()
        try await TestEngine.withCleanup(client) { cleanup in
            let id = try await client.createContainer(name: TestEngine.unique("exec"), ContainerSpec(
                image: TestEngine.baseImage, command: ["sleep", "300"], initProcess: true
            ))
            cleanup.containers.append(id)
            try await client.startContainer(id)

            let output = TestEngine.Collector<OutputChunk>()
            let status = try await client.exec(id, command: ["sh", "-c", "echo hi; echo oops >&2; sleep 0.5; echo late; exit 3"]) {
                output.append($0)
            }
            #expect(status == 3)
            #expect(output.all.text(.stdout) == "hi\nlate\n")
            #expect(output.all.text(.stderr) == "oops\n")

            let other = TestEngine.Collector<OutputChunk>()
            let zero = try await client.exec(id, command: ["sh", "-c", "pwd; echo $GREETING"], environment: ["GREETING=hello"], workingDirectory: "/tmp") {
                other.append($0)
            }
            #expect(zero == 0)
            #expect(other.all.text(.stdout) == "/tmp\nhello\n")

            // Output arrives while the command runs, not only at its end.
            let first = TestEngine.Collector<Date>()
            let started = Date()
            _ = try await client.exec(id, command: ["sh", "-c", "echo now; sleep 2; echo later"]) { _ in first.append(Date()) }
            let firstArrival = try #require(first.all.first)
            #expect(firstArrival.timeIntervalSince(started) < 1.5)
        }
    }

    @Test("exec in a missing container is containerNotFound")
    func execMissing() async throws {
        let client = try TestEngine.client()
        let id = TestEngine.unique("gone")
        await #expect(throws: DockerError.containerNotFound(id: id)) {
            _ = try await client.exec(id, command: ["true"]) { _ in }
        }
    }

    @Test("cancelling the Task aborts an exec stream and a followed log")
    func cancellation() async throws {
        let client = try TestEngine.client()
        try await TestEngine.withCleanup(client) { cleanup in
            let id = try await client.createContainer(name: TestEngine.unique("cancel"), ContainerSpec(
                image: TestEngine.baseImage, command: ["sh", "-c", "echo started; sleep 300"], initProcess: true
            ))
            cleanup.containers.append(id)
            try await client.startContainer(id)

            let exec = Task { try await client.exec(id, command: ["sleep", "300"]) { _ in } }
            try await Task.sleep(for: .milliseconds(500))
            exec.cancel()
            let outcome = try await TestEngine.within(10) { await exec.result }
            #expect(throws: DockerError.cancelled) { try outcome.get() }

            let logs = Task {
                var lines: [OutputChunk] = []
                for try await chunk in client.containerLogs(id, follow: true) { lines.append(chunk) }
                return lines
            }
            try await Task.sleep(for: .milliseconds(500))
            logs.cancel()
            _ = try await TestEngine.within(10) { await logs.result }

            let waiting = Task { try await client.waitContainer(id) }
            try await Task.sleep(for: .milliseconds(300))
            waiting.cancel()
            let waited = try await TestEngine.within(10) { await waiting.result }
            #expect(throws: DockerError.cancelled) { try waited.get() }
        }
    }
}
