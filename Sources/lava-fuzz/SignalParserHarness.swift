import LavaCore
import LavaDispatcher

/// The console of a test shell, which the device under test writes: the signal parser must not
/// crash on any line, and every record it asks for must be one the server accepts (a `results`
/// record as a test case or a clear error, never a rejected upload).
enum SignalParserHarness {
    private static let run = TestRunDescription(
        runName: "0_smoke", repository: "https://git.example.org/tests.git", path: "smoke.yaml",
        parsePattern: #"(?P<test_case_id>[a-z0-9_]+):\s+(?P<result>pass|fail|skip|PASS|FAIL)(\s+(?P<measurement>[0-9.]+))?"#,
        fixupdict: ["PASS": "pass", "FAIL": "fail"], expected: ["ls", "ping"])

    static let harness = Harness(name: "signal-parser") { input in
        var parser = SignalParser(stage: 0, runs: [run])
        var events: [TestShellEvent] = []
        var index = 1
        for line in String(decoding: input, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            events += parser.feed(String(line), nextLineIndex: index)
            index += 1
        }
        events += parser.finish()
        for event in events {
            let encoded: String
            switch event {
            case .log(let level, let message): encoded = LogLine(level: level, message: message).encoded()
            case .event(let message): encoded = LogLine(level: "event", message: message).encoded()
            case .results(let message): encoded = ResultsLine(message: message).encoded()
            case .raise, .feedback, .finished: continue
            }
            do {
                for record in try LogBatch.records(in: "- " + encoded) {
                    LogBatchHarness.check(record)
                }
            } catch {
                fatalError("lava-fuzz: the server rejects the record for \(event) (\(error)): \(encoded)")
            }
        }
    }
}
