import DockerEngine
import LavaCore
import Synchronization

/// A test action of a docker job: the stage's runner executed in the DUT container (Engine API
/// exec, standard error joined to standard output like a console), each output line logged as
/// `target` and read for LAVA's signals. `lava-test-raise` stops the stage and fails the job.
///
/// LAVA types the runner command into the container's console; exec gives the same output
/// without prompts to wait for or a shell's echo to strip.
struct TestShellStep: Sendable {
    let container: DUTContainer
    let docker: DockerClient
    let log: JobLog
    let overlay: PreparedOverlay
    let level: String

    private struct Reading {
        var lines = LineSplitter()
        var parser: SignalParser
        var raised: String?
    }

    func run() async throws(JobError) {
        guard let stage = overlay.stages[level] else {
            throw JobError(.bug, "no overlay stage for test action \(level)")
        }
        let reading = Mutex(Reading(parser: SignalParser(stage: stage.number, runs: stage.runs)))
        let command = ["/bin/sh", "-c", overlay.overlay.runnerCommand(stage: stage.number) + " 2>&1"]
        // LAVA stops a test shell at the first TESTRAISE: the output handler cancels the exec.
        let handle = Mutex<Task<Int, any Error>?>(nil)
        let exec = Task { [docker, container, log] in
            try await docker.exec(container.id, command: command) { chunk in
                let raised = reading.withLock { reading -> Bool in
                    for line in reading.lines.feed(chunk.bytes) {
                        Self.read(DUTContainer.text(line), into: &reading, log: log)
                    }
                    return reading.raised != nil
                }
                if raised { handle.withLock { $0?.cancel() } }
            }
        }
        handle.withLock { $0 = exec }
        if reading.withLock({ $0.raised != nil }) { exec.cancel() }
        let outcome = await withTaskCancellationHandler {
            await exec.result
        } onCancel: {
            exec.cancel()
        }
        let (raised, finished) = reading.withLock { reading in
            if let rest = reading.lines.finish() { Self.read(DUTContainer.text(rest), into: &reading, log: log) }
            for event in reading.parser.finish() { Self.handle(event, into: &reading, log: log) }
            return (reading.raised, reading.parser.isFinished)
        }
        if let raised { throw JobError(.test, raised) }
        switch outcome {
        case .success(let status) where !finished:
            throw JobError(.test, "the test runner ended (status \(status)) before <LAVA_TEST_RUNNER EXIT>")
        case .success:
            return
        case .failure(let error as DockerError) where error == .cancelled:
            throw .canceled
        case .failure(let error):
            throw JobError(.infrastructure, "Cannot run the tests in container \(container.name): \(error)")
        }
    }

    private static func read(_ line: String, into reading: inout Reading, log: JobLog) {
        let index = log.target(line)
        for event in reading.parser.feed(line, nextLineIndex: index + 1) {
            handle(event, into: &reading, log: log)
        }
    }

    private static func handle(_ event: TestShellEvent, into reading: inout Reading, log: JobLog) {
        switch event {
        case .log(let level, let message): log.log(level, message)
        case .results(let message): log.emit(ResultsLine(message: message).encoded())
        case .event(let message): log.log("event", message)
        case .raise(let message): reading.raised = reading.raised ?? message
        case .feedback(let namespace): log.debug("lava-test-feedback \(namespace): docker devices have one namespace only")
        case .finished: break
        }
    }
}
