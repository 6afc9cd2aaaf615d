import Testing
@testable import LavaCore

@Suite struct ResultMappingTests {
    private func record(_ text: String) throws -> LogRecord {
        try #require(try LogBatch.records(in: "- " + text).first)
    }

    @Test func mapsATestShellResult() throws {
        let line = #"{"dt": "2026-05-04T10:11:21.5+00:00", "lvl": "results", "msg": {"definition": "0_smoke", "case": "ls", "result": "pass", "starttc": !!int "41", "endtc": !!int "43"}}"#
        let testCase = try #require(try record(line).result())
        #expect(testCase == TestCaseRecord(
            suite: "0_smoke", name: "ls", result: "pass", startLogLine: 41, endLogLine: 43,
            metadata: "case: ls\ndefinition: 0_smoke\nresult: pass\n"))
    }

    @Test func mapsMeasurementUnitsAndSet() throws {
        let line = #"{"lvl": "results", "msg": {"case": "speed", "definition": "1_t", "flag": !!bool "true", "l": [1, "2"], "measurement": !!float "12.5", "n": !!null "", "result": "pass", "set": "net", "units": "MB/s"}}"#
        let testCase = try #require(try record(line).result())
        #expect(testCase.measurement == 12.5)
        #expect(testCase.units == "MB/s")
        #expect(testCase.testSet == "net")
        #expect(testCase.warnings.isEmpty)
        // Byte for byte what PyYAML's safe_dump writes for the same message.
        #expect(testCase.metadata
            == "case: speed\ndefinition: 1_t\nflag: true\nl:\n- 1\n- '2'\nmeasurement: 12.5\nn: null\nresult: pass\nset: net\nunits: MB/s\n")
    }

    @Test func lavaSuiteUsesTheDurationAndNoLogLines() throws {
        let line = #"{"lvl": "results", "msg": {"definition": "lava", "case": "docker-deploy", "namespace": "common", "level": "1.1", "duration": "12.34", "result": "pass", "measurement": "99", "starttc": !!int "4", "endtc": !!int "5"}}"#
        let testCase = try #require(try record(line).result())
        #expect(testCase.suite == "lava")
        #expect(testCase.measurement == 12.34)
        #expect(testCase.units == "seconds")
        #expect(testCase.startLogLine == nil)
        #expect(testCase.endLogLine == nil)
        #expect(!testCase.metadata.contains("starttc"))
    }

    @Test func lavaSuiteWithoutDurationHasNoUnits() throws {
        let testCase = try #require(try record(#"{"lvl": "results", "msg": {"definition": "lava", "case": "job", "result": "fail"}}"#).result())
        #expect(testCase.measurement == nil)
        #expect(testCase.units == nil)
    }

    @Test func sanitizesTheCaseName() throws {
        let testCase = try #require(try record(#"{"lvl": "results", "msg": {"definition": "d", "case": "  a\tb\x01c\x7f  ", "result": "skip"}}"#).result())
        #expect(testCase.name == "a_ctrl-char_b_ctrl-char_c_ctrl-char_")
        #expect(ResultMapping.sanitizedName("\n name \n") == "name")
    }

    @Test func quotesStringsThatLookLikeOtherTypes() throws {
        let testCase = try #require(try record(#"{"lvl": "results", "msg": {"definition": "0_smoke", "case": "123", "result": "pass"}}"#).result())
        #expect(testCase.metadata == "case: '123'\ndefinition: 0_smoke\nresult: pass\n")
    }

    @Test func ignoresUnknownResultsAndOtherLevels() throws {
        #expect(try record(#"{"lvl": "results", "msg": {"definition": "d", "case": "c", "result": "maybe"}}"#).result() == nil)
        #expect(try record(#"{"lvl": "info", "msg": {"definition": "d", "case": "c", "result": "pass"}}"#).result() == nil)
    }

    @Test func rejectsAnInvalidSetNameButKeepsTheCase() throws {
        let testCase = try #require(try record(#"{"lvl": "results", "msg": {"definition": "d", "case": "c", "result": "pass", "set": "my set"}}"#).result())
        #expect(testCase.testSet == nil)
        #expect(testCase.warnings == ["Invalid testset name 'my set', ignoring."])
    }

    @Test func storesExtraSeparately() throws {
        let line = #"{"lvl": "results", "msg": {"definition": "lava", "case": "http-download", "level": "1.2.1", "duration": "1.25", "namespace": "common", "result": "pass", "extra": {"label": "file", "size": !!int "3"}}}"#
        let testCase = try #require(try record(line).result())
        #expect(testCase.extra == ResultExtra(fileName: "lava-http-download-1.2.1.yaml", yaml: "label: file\nsize: 3\n"))
        #expect(testCase.metadata
            == "case: http-download\ndefinition: lava\nduration: '1.25'\nextra: lava-http-download-1.2.1.yaml\nlevel: 1.2.1\nnamespace: common\nresult: pass\n")
        let inDirectory = try #require(try record(line).result(metadataDirectory: "/media/job-output/1/metadata"))
        #expect(inDirectory.metadata.contains("extra: /media/job-output/1/metadata/lava-http-download-1.2.1.yaml\n"))
    }

    @Test func extraWithoutLevelBecomesNull() throws {
        let testCase = try #require(try record(#"{"lvl": "results", "msg": {"definition": "d", "case": "c", "result": "pass", "extra": {"a": "b"}}}"#).result())
        #expect(testCase.extra == nil)
        #expect(testCase.metadata == "case: c\ndefinition: d\nextra: null\nresult: pass\n")
    }

    @Test func cutsMetadataOver4096Characters() throws {
        let errorMessage = String(repeating: "x", count: 5000)
        let line = #"{"lvl": "results", "msg": {"definition": "lava", "case": "job", "result": "fail", "error_type": "Infrastructure", "error_msg": "\#(errorMessage)", "extra_key": "dropped"}}"#
        let testCase = try #require(try record(line).result())
        let kept = String(repeating: "x", count: 256)
        #expect(testCase.metadata == "case: job\ndefinition: lava\nerror_msg: \(kept)\nerror_type: Infrastructure\nresult: fail\n")
        #expect(testCase.warnings.count == 1)
        #expect(testCase.warnings.first?.hasPrefix("Result metadata is too long") == true)
    }

    @Test(arguments: [
        (#"{"lvl": "results", "msg": "oops"}"#, "log record 1 has lvl 'results' but its msg is not a mapping"),
        (#"{"lvl": "results"}"#, "log record 1 has lvl 'results' but no 'msg'"),
        (#"{"lvl": "results", "msg": {"definition": "d", "result": "pass"}}"#, "log record 1 has lvl 'results' but its msg has no 'case'"),
        (#"{"lvl": "results", "msg": {"case": "c", "result": "pass"}}"#, "log record 1 has lvl 'results' but its msg has no 'definition'"),
        (#"{"lvl": "results", "msg": {"definition": "d", "case": "c"}}"#, "log record 1 has lvl 'results' but its msg has no 'result'"),
        (#"{"lvl": "results", "msg": {"definition": "d", "case": ["c"], "result": "pass"}}"#, "log record 1 has a results msg whose 'case' is not a string"),
        (#"{"lvl": "results", "msg": {"definition": "d", "case": "c", "result": "pass", "starttc": "abc"}}"#, "log record 1 has a results msg whose 'starttc' is not a whole number"),
        (#"{"lvl": "results", "msg": {"definition": "d", "case": "c", "result": "pass", "measurement": "fast"}}"#, "log record 1 has a results msg whose 'measurement' is not a number"),
        (#"{"lvl": "results", "msg": {"definition": "d", "case": "c", "result": "pass", "measurement": !!float ".nan"}}"#, "log record 1 has a results msg whose 'measurement' is not a number"),
        (#"{"lvl": "results", "msg": {"definition": "d", "case": "c", "result": "pass", "measurement": "-inf"}}"#, "log record 1 has a results msg whose 'measurement' is not a number"),
        (#"{"lvl": "results", "msg": {"definition": "lava", "case": "c", "result": "pass", "duration": "1e999"}}"#, "log record 1 has a results msg whose 'duration' is not a number"),
        (#"{"lvl": "results", "lvl": "results", "msg": {"definition": "d", "case": "c", "result": "pass"}}"#, "log record 1 is not a YAML flow mapping"),
    ])
    func reportsUnusableResults(text: String, expected: String) throws {
        let record = try record(text)
        let error = #expect(throws: LogFormatError.self) { try record.result() }
        #expect(error?.record == 1)
        #expect(error?.description.hasPrefix(expected) == true, "got: \(error?.description ?? "no error")")
    }
}
