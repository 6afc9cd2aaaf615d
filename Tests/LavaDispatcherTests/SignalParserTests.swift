import Foundation
import LavaCore
import Synchronization
import Testing
@testable import LavaDispatcher

@Suite struct SignalParserTests {
    private let run = TestRunDescription(
        runName: "0_smoke", repository: "https://example.org/t.git", path: "smoke.yaml", revision: "v1",
        commitID: "abc123", parsePattern: #"^(?P<test_case_id>\w+): (?P<result>PASS|FAIL)( (?P<measurement>[0-9.]+))?$"#,
        fixupdict: ["PASS": "pass", "FAIL": "fail", "BROKEN": "fail"], expected: ["one", "missing"])

    private func parser(clock: Clock = Clock()) -> SignalParser {
        SignalParser(stage: 2, runs: [run], now: { clock.now() })
    }

    final class Clock: Sendable {
        private let start = Date(timeIntervalSince1970: 1_000)
        private let ticks = Mutex(0.0)
        func advance(_ seconds: Double) { ticks.withLock { $0 += seconds } }
        func now() -> Date { start.addingTimeInterval(ticks.withLock { $0 }) }
    }

    private func results(_ events: [TestShellEvent]) -> [ResultsMessage] {
        events.compactMap { if case .results(let message) = $0 { message } else { nil } }
    }

    @Test func recordsMarkerLinesAndRunResults() {
        let clock = Clock()
        var parser = parser(clock: clock)
        // Line indexes: each console line first, then the records the parser returns.
        let start = parser.feed("<LAVA_SIGNAL_STARTRUN 0_smoke 42_1.2>", nextLineIndex: 11)
        #expect(start.first == .log(level: "debug", message: "Received signal: <STARTRUN> 0_smoke 42_1.2"))
        _ = parser.feed("<LAVA_SIGNAL_STARTTC one>", nextLineIndex: 20)
        _ = parser.feed("<LAVA_SIGNAL_ENDTC one>", nextLineIndex: 25)
        let one = parser.feed("x <LAVA_SIGNAL_TESTCASE TEST_CASE_ID=one RESULT=BROKEN UNITS=s MEASUREMENT=2.50>", nextLineIndex: 27)
        #expect(results(one) == [["definition": "0_smoke", "case": "one", "result": "fail", "measurement": 2.5,
                                  "units": "s", "starttc": 20, "endtc": 25]])
        // Without STARTTC/ENDTC both are the TESTCASE signal's line.
        let two = parser.feed("<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=two RESULT=pass>", nextLineIndex: 30)
        #expect(results(two).first?["starttc"] == .int(30))
        #expect(results(two).first?["endtc"] == .int(30))

        clock.advance(3.256)
        let end = parser.feed("<LAVA_SIGNAL_ENDRUN 0_smoke 42_1.2>", nextLineIndex: 40)
        #expect(results(end) == [
            ["definition": "lava", "case": "0_smoke", "uuid": "42_1.2", "repository": "https://example.org/t.git",
             "path": "smoke.yaml", "duration": "3.26", "result": "pass", "revision": "v1", "namespace": "common",
             "commit_id": "abc123"],
            ["definition": "0_smoke", "case": "missing", "result": "fail"],
        ])
        #expect(end.contains(.log(level: "warning", message: "Expected test case missing was not reported by 0_smoke")))
    }

    @Test func refusesMalformedTestCases() {
        var parser = parser()
        _ = parser.feed("<LAVA_SIGNAL_STARTRUN 0_smoke 42_1.2>", nextLineIndex: 1)
        for (line, message) in [
            ("<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=a RESULT=maybe>", "Bad test result: maybe"),
            ("<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=a RESULT=pass MEASUREMENT=fast>", "Invalid measurement fast"),
            ("<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=a RESULT>", "Ignoring malformed parameter for signal: \"RESULT\". "),
        ] {
            let events = parser.feed(line, nextLineIndex: 5)
            #expect(results(events).isEmpty)
            #expect(events.contains(.log(level: "error", message: message)), "\(events)")
        }
        let noID = parser.feed("<LAVA_SIGNAL_TESTCASE RESULT=pass>", nextLineIndex: 5)
        #expect(results(noID).isEmpty)
    }

    @Test func appliesTheParsePatternDuringARun() {
        var parser = parser()
        #expect(parser.feed("before: PASS", nextLineIndex: 1).isEmpty, "no run yet")
        _ = parser.feed("<LAVA_SIGNAL_STARTRUN 0_smoke 42_1.2>", nextLineIndex: 2)
        let events = parser.feed("speed: PASS 12.5", nextLineIndex: 10)
        #expect(results(events) == [["definition": "0_smoke", "case": "speed", "result": "pass", "measurement": 12.5,
                                     "starttc": 9, "endtc": 9]])
    }

    @Test func convertsPythonGroupSyntax() throws {
        let pattern = try #require(ResultPattern(#"(?P<test_case_id>\w+)=(?P<result>\w+) (?P=result)(?<=s)"#))
        #expect(pattern.match("ok=pass pass") == ["test_case_id": "ok", "result": "pass"])
        #expect(pattern.match("ok=pass fail") == nil)
        #expect(ResultPattern("(unclosed") == nil)
    }

    @Test func handlesSetsReferencesEventsAndRaises() {
        var parser = parser()
        _ = parser.feed("<LAVA_SIGNAL_STARTRUN 0_smoke 42_1.2>", nextLineIndex: 1)
        _ = parser.feed("<LAVA_SIGNAL_TESTSET START net>", nextLineIndex: 2)
        #expect(results(parser.feed("<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=a RESULT=pass>", nextLineIndex: 3)).first?["set"] == "net")
        _ = parser.feed("<LAVA_SIGNAL_TESTSET STOP>", nextLineIndex: 4)
        #expect(results(parser.feed("<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=b RESULT=pass>", nextLineIndex: 5)).first?["set"] == nil)
        #expect(results(parser.feed("<LAVA_SIGNAL_TESTREFERENCE c pass https://example.org/r>", nextLineIndex: 6))
            == [["definition": "0_smoke", "case": "c", "result": "pass", "reference": "https://example.org/r"]])
        #expect(parser.feed("<LAVA_SIGNAL_TESTEVENT hello there>", nextLineIndex: 7).last == .event("hello there"))
        #expect(parser.feed("<LAVA_SIGNAL_TESTFEEDBACK other>", nextLineIndex: 8).last == .feedback(namespace: "other"))
        #expect(parser.feed("<LAVA_SIGNAL_TESTRAISE it broke>", nextLineIndex: 9).last == .raise("it broke"))
    }

    @Test func failsAnUnfinishedRunAtExitOrEOF() {
        var parser = parser()
        _ = parser.feed("<LAVA_SIGNAL_STARTRUN 0_smoke 42_1.2>", nextLineIndex: 1)
        let install = parser.feed("<LAVA_TEST_RUNNER INSTALL_FAIL>", nextLineIndex: 2)
        #expect(results(install) == [["definition": "lava", "case": "stage_2", "result": "fail"]])
        let exit = parser.feed("<LAVA_TEST_RUNNER EXIT>", nextLineIndex: 3)
        #expect(results(exit).map { $0.string("result") } == ["fail"])
        #expect(results(exit).first?.string("case") == "0_smoke")
        #expect(exit.last == .finished)
        #expect(parser.isFinished)
        #expect(parser.feed("<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=late RESULT=pass>", nextLineIndex: 9).isEmpty)

        var eof = self.parser()
        _ = eof.feed("<LAVA_SIGNAL_STARTRUN 0_smoke 42_1.2>", nextLineIndex: 1)
        #expect(results(eof.finish()).first?.string("result") == "fail")
    }
}
