import DockerEngine
import Foundation
import LavaTestSupport
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

            // Output arrives while the command runs, not only at its end: the command prints its
            // second line only after the test, having seen the first, opens a FIFO it reads.
            let gate = "/tmp/gate-\(UUID().uuidString)"
            #expect(try await client.exec(id, command: ["mkfifo", gate]) { _ in } == 0)
            let streamed = TestEngine.Collector<OutputChunk>()
            let (arrivals, arrival) = AsyncStream<Void>.makeStream()
            let gated = Task {
                defer { arrival.finish() }
                return try await client.exec(id, command: ["sh", "-c", "echo now; read go < \(gate); echo later"]) {
                    streamed.append($0)
                    arrival.yield()
                }
            }
            let firstOutput = try await within(60, "the gated command's first output") { () async -> String? in
                var chunks = arrivals.makeAsyncIterator()
                guard await chunks.next() != nil else { return nil }
                return streamed.all.text(.stdout)
            }
            // Opening the FIFO would block if the gated command had already ended.
            try #require(firstOutput == "now\n", "the first line arrives while the command waits for the gate")
            #expect(try await client.exec(id, command: ["sh", "-c", "echo go > \(gate)"]) { _ in } == 0)
            #expect(try await gated.value == 0)
            #expect(streamed.all.text(.stdout) == "now\nlater\n")

            // A command that cannot start gets the engine's status for it (no exec_die), not a hang.
            let missing = try await within(60, "the status of a command that cannot start") { try await client.exec(id, command: ["no-such-command"]) { _ in } }
            #expect([126, 127].contains(missing))
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

            // Each is cancelled once its first output shows that its stream is open.
            let (execOutput, execChunk) = AsyncStream<Void>.makeStream()
            let exec = Task {
                defer { execChunk.finish() }
                return try await client.exec(id, command: ["sh", "-c", "echo started; sleep 300"]) { _ in execChunk.yield() }
            }
            var execChunks = execOutput.makeAsyncIterator()
            try #require(await execChunks.next() != nil, "the exec ended before its first output")
            exec.cancel()
            let outcome = try await within(10, "the cancelled exec's end") { await exec.result }
            #expect(throws: DockerError.cancelled) { try outcome.get() }

            let (logOutput, logChunk) = AsyncStream<Void>.makeStream()
            let logs = Task {
                defer { logChunk.finish() }
                for try await _ in client.containerLogs(id, follow: true) { logChunk.yield() }
            }
            var logChunks = logOutput.makeAsyncIterator()
            try #require(await logChunks.next() != nil, "the followed log ended before its first line")
            logs.cancel()
            _ = try await within(10, "the cancelled log's end") { await logs.result }

            // The wait has no output to show it is open: it is cancelled wherever it is.
            let waiting = Task { try await client.waitContainer(id) }
            waiting.cancel()
            let waited = try await within(10, "the cancelled wait's end") { await waiting.result }
            #expect(throws: DockerError.cancelled) { try waited.get() }
        }
    }
}
