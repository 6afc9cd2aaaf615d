import Foundation
import LavaCore
import LavaTestSupport
import Testing
@testable import LavaDispatcher

/// Builds a real overlay, runs its lava-test-runner on this host with /bin/sh (the overlay's root
/// being the temp dir) and parses the console as the job runner will.
@Suite struct TestShellRunTests {
    private struct Console {
        var lines: [(index: Int, text: String)] = []
        var events: [TestShellEvent] = []
        var results: [ResultsMessage] { events.compactMap { if case .results(let m) = $0 { m } else { nil } } }

        func result(_ definition: String, _ name: String) -> ResultsMessage? {
            results.first { $0.string("definition") == definition && $0.string("case") == name }
        }
    }

    private let action = #"""
    definitions:
    - from: inline
      name: smoke
      path: smoke.yaml
      parameters: {ITER: '3'}
      repository:
        metadata: {format: Lava-Test Test Definition 1.0, name: smoke}
        params: {ITER: '1', MODE: "it's"}
        run:
          steps:
          - lava-test-case pass-case --result pass
          - lava-test-case fail-case --result fail
          - lava-test-case skip-case --result skip
          - lava-test-case speed --result pass --measurement 12.5 --units MB/s
          - lava-test-set start net
          - lava-test-case in-set --shell true
          - lava-test-set stop
          - lava-test-case shell-fail --shell false
          - lava-test-case env --shell 'printenv LAVA_JOB_ID'
          # Parameters are run.sh variables (not exported), as in LAVA.
          - test "$ITER" = 3 && test "$MODE" = "it's" && lava-test-case param --result pass
          - lava-test-case awk --shell "echo a b | awk '{print $2}' | grep -qx b"
          - echo "secret=$(cat ../../../secrets)"
          - lava-test-event hello-event
    - from: inline
      name: pattern
      path: pattern.yaml
      repository:
        metadata: {format: Lava-Test Test Definition 1.0, name: pattern}
        run: {steps: ['echo "mycase: PASS"', 'echo "other: FAIL"']}
        parse: {pattern: '^(?P<test_case_id>\w+): (?P<result>PASS|FAIL)$', fixupdict: {PASS: pass, FAIL: fail}}
    - from: inline
      name: broken-install
      path: b.yaml
      repository:
        metadata: {format: Lava-Test Test Definition 1.0, name: b}
        install: {steps: ['false']}
        run: {steps: ['lava-test-case never --result pass']}
    - from: inline
      name: raise
      path: r.yaml
      repository:
        metadata: {format: Lava-Test Test Definition 1.0, name: r}
        run: {steps: ['lava-test-raise device is on fire', 'lava-test-case after-raise --result pass']}
    """#

    private func runStage(in temp: TemporaryDirectory) async throws -> (Console, Overlay) {
        let root = temp.url.appendingPathComponent("lava-42")
        let overlay = Overlay(jobID: "42", directory: root, root: root.path)
        try overlay.writeBase(
            environment: TestShellEnvironment(job: [.init(name: "GREETING", value: "hello world")], jobID: "42",
                                              tags: ["a", "b"], deviceType: "docker"),
            secrets: [.init(name: "TOKEN", value: "s3cret")])
        var fetched: [FetchedTestDefinition] = []
        for source in try TestDefinitionSource.list(fromTestAction: action) {
            fetched.append(try await TestDefinitionFetcher().fetch(
                source, into: overlay.testDirectory(stage: 0, runName: source.runName)))
        }
        try overlay.writeStage(0, tests: fetched, levels: ["0_smoke": "3.1"])

        let output = try shell(["/bin/sh", "-c", overlay.runnerCommand(stage: 0)], expectSuccess: false).output
        var parser = SignalParser(stage: 0, runs: fetched.map(TestRunDescription.init))
        var console = Console()
        var index = 0
        for line in output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            console.lines.append((index, line))
            index += 1
            let events = parser.feed(line, nextLineIndex: index)
            index += events.filter(\.isRecord).count
            console.events += events
        }
        console.events += parser.finish()
        return (console, overlay)
    }

    @Test func runsTheOverlayAndParsesItsConsole() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let (console, overlay) = try await runStage(in: temp)
        let transcript = console.lines.map(\.text).joined(separator: "\n")

        #expect(console.result("0_smoke", "pass-case")?.string("result") == "pass", "\(transcript)")
        #expect(console.result("0_smoke", "fail-case")?.string("result") == "fail")
        #expect(console.result("0_smoke", "skip-case")?.string("result") == "skip")
        let speed = try #require(console.result("0_smoke", "speed"))
        #expect(speed["measurement"] == .float(12.5))
        #expect(speed["units"] == .string("MB/s"))
        #expect(console.result("0_smoke", "in-set")?["set"] == .string("net"))
        #expect(console.result("0_smoke", "in-set")?.string("result") == "pass")
        #expect(console.result("0_smoke", "shell-fail")?["set"] == nil)
        #expect(console.result("0_smoke", "shell-fail")?.string("result") == "fail")
        #expect(console.result("0_smoke", "param")?.string("result") == "pass", "job parameters override defaults")
        #expect(console.result("0_smoke", "awk")?.string("result") == "pass", "$2 is escaped in --shell steps")

        // The printenv output lies between the case's STARTTC and ENDTC lines.
        let env = try #require(console.result("0_smoke", "env"))
        #expect(env.string("result") == "pass")
        guard case .int(let start)? = env["starttc"], case .int(let end)? = env["endtc"] else {
            Issue.record("env has no starttc/endtc: \(env)")
            return
        }
        let printed = try #require(console.lines.first { $0.text == "42" })
        #expect(start < printed.index && printed.index < end)
        #expect(console.events.contains(.log(level: "debug", message: "Received signal: <STARTTC> env")))
        #expect(transcript.contains("secret=TOKEN=s3cret"))

        let run = try #require(console.result("lava", "0_smoke"))
        #expect(Array(run.fields.map(\.key)) == ["definition", "case", "uuid", "repository", "path", "duration", "result",
                                                 "revision", "namespace"])
        #expect(run.string("uuid") == "42_3.1")
        #expect(run.string("result") == "pass")
        #expect(run.string("repository") == "inline")
        #expect(console.events.contains(.event("hello-event")))

        #expect(console.result("1_pattern", "mycase")?.string("result") == "pass")
        #expect(console.result("1_pattern", "other")?.string("result") == "fail")
        #expect(console.result("lava", "1_pattern")?.string("result") == "pass")

        #expect(console.result("lava", "stage_0")?.string("result") == "fail", "install failure")
        #expect(console.result("2_broken-install", "never") == nil)
        #expect(console.result("lava", "2_broken-install") == nil)

        #expect(console.events.contains(.raise("device is on fire")))
        #expect(console.result("3_raise", "after-raise") == nil, "run.sh stops at the raise")
        #expect(console.result("lava", "3_raise")?.string("result") == "fail", "unfinished run")
        #expect(console.events.last == .finished)

        // Every record is one the server stores as a test case.
        for message in console.results {
            let line = "- " + ResultsLine(message: message).encoded()
            let record = try #require(try LogBatch.records(in: line).first)
            #expect(try record.result() != nil, "\(line)")
        }

        // The stage does not run twice (the runner renamed its list).
        let again = try shell(["/bin/sh", "-c", overlay.runnerCommand(stage: 0)], expectSuccess: false).output
        #expect(!again.contains("LAVA_SIGNAL"))
        #expect(again.contains("<LAVA_TEST_RUNNER EXIT>"))
    }

    @Test func writesLAVAsLayout() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let root = temp.url.appendingPathComponent("lava-7")
        let overlay = Overlay(jobID: "7", directory: root)
        try overlay.writeBase(environment: TestShellEnvironment(
            device: [.init(name: "DEV", value: "x")], job: [.init(name: "QUOTE", value: "it's")], jobID: "7",
            dispatcherIP: "10.0.0.1", tags: ["a", "b"], dispatcherPrefix: "p", deviceHostname: "docker-01", deviceType: "docker"))
        let environment = try String(contentsOf: root.appendingPathComponent("environment"), encoding: .utf8)
        #expect(environment == """
        export DEV=x
        export QUOTE='it'"'"'s'
        export LAVA_JOB_ID=7
        export LAVA_DISPATCHER_IP=10.0.0.1
        export LAVA_JOB_TAGS=a,b
        export LAVA_DISPATCHER_PREFIX=p
        export LAVA_DEVICE_HOSTNAME=docker-01
        export LAVA_DEVICE_TYPE=docker

        """)
        for helper in ["lava-common-functions", "lava-test-case", "lava-test-set", "lava-test-raise", "lava-test-reference",
                       "lava-test-event", "lava-test-feedback", "lava-test-runner", "lava-test-shell"] {
            let path = root.appendingPathComponent("bin/\(helper)").path
            #expect(FileManager.default.isExecutableFile(atPath: path), "\(helper)")
            #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("#!/bin/sh\n"))
            // POSIX sh only: dash must parse every helper.
            #expect(try shell(["dash", "-n", path]).status == 0)
        }
        #expect(overlay.runnerCommand(stage: 1)
            == "export SHELL=/bin/sh; . /lava-7/environment; /lava-7/bin/lava-test-runner /lava-7/1")

        let source = try #require(try TestDefinitionSource.list(fromTestAction: """
        definitions: [{from: inline, name: t, path: t.yaml, parameters: {N: 2},
          repository: {metadata: {name: t}, params: {N: 1}, install: {deps: [curl], steps: [make]},
                       run: {steps: ["lava-test-case a --shell 'echo $1'", "echo $1"]}}}]
        """).first)
        let fetched = try await TestDefinitionFetcher().fetch(source, into: overlay.testDirectory(stage: 1, runName: source.runName))
        try overlay.writeStage(1, tests: [fetched], targetOS: "debian")
        let test = root.appendingPathComponent("1/tests/0_t")
        #expect(try String(contentsOf: root.appendingPathComponent("1/lava-test-runner.conf"), encoding: .utf8)
            == "/lava-7/1/tests/0_t\n")
        #expect(try String(contentsOf: test.appendingPathComponent("uuid"), encoding: .utf8) == "7_1.0\n")
        #expect(try String(contentsOf: test.appendingPathComponent("run.sh"), encoding: .utf8) == #"""
        ###default parameters from test definition###
        N='1'
        ######
        ###test parameters from job submission###
        N='2'
        ######
        set -e
        set -x
        export TESTRUN_ID=0_t
        cd /lava-7/1/tests/0_t
        UUID=`cat uuid`
        set +x
        echo "<LAVA_SIGNAL_STARTRUN $TESTRUN_ID $UUID>"
        set -x
        lava-test-case a --shell 'echo \$1'
        echo $1
        set +x
        echo "<LAVA_SIGNAL_ENDRUN $TESTRUN_ID $UUID>"

        """#)
        #expect(try String(contentsOf: test.appendingPathComponent("install.sh"), encoding: .utf8)
            == "set -ex\ncd /lava-7/1/tests/0_t\nDEBIAN_FRONTEND=noninteractive apt-get -q -y install curl\nmake\n")
        #expect(FileManager.default.fileExists(atPath: test.appendingPathComponent("testdef.yaml").path))
        #expect(try String(contentsOf: test.appendingPathComponent("testdef_metadata"), encoding: .utf8).contains("test_name: \"0_t\""))
    }
}
