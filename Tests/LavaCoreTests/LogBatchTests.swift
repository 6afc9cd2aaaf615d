import Testing
@testable import LavaCore

@Suite struct LogBatchTests {
    @Test func parsesTheCapturedUpload() throws {
        let records = try LogBatch.records(in: CaptureFixtures.logLines)
        #expect(records.count == 20)
        #expect(records.map(\.number) == Array(1 ... 20))
        #expect(records.allSatisfy { $0.level == "target" })
        #expect(records[0].text == #"{"dt": "2026-11-24T22:46:13.208235", "lvl": "target", "msg": "+ echo tick 5"}"#)
        #expect(records[0].message == "+ echo tick 5")
        #expect(records[3].message == "+ for i in $(seq 1 12)")
        #expect(records[19].message == "+ for i in $(seq 1 12)")
        let stored = records.map { $0.storedLine() }
        #expect(stored.joined(separator: "\n") == CaptureFixtures.logLines)
    }

    @Test func toleratesOneTrailingLineBreak() throws {
        let line = #"- {"lvl": "info", "msg": "a"}"#
        for field in [line + "\n", line + "\r\n", line + "\r"] {
            let records = try LogBatch.records(in: field)
            #expect(records.count == 1)
            #expect(records[0].text == #"{"lvl": "info", "msg": "a"}"#)
        }
        let crlf = try LogBatch.records(in: line + "\r\n" + line)
        #expect(crlf.map(\.text) == [#"{"lvl": "info", "msg": "a"}"#, #"{"lvl": "info", "msg": "a"}"#])
    }

    @Test func rejectsAnEmptyField() {
        for field in ["", "\n"] {
            let error = #expect(throws: LogFormatError.self) { try LogBatch.records(in: field) }
            #expect(error?.record == nil)
            #expect(error?.description.contains("'lines' field is empty") == true)
        }
    }

    @Test func decodesDoubleQuotedEscapes() throws {
        let field = #"- {"lvl": "info", "msg": "q\" b\\ n\n t\t u\u00e9 x\x41 U\U0001F600 s\/ N\N _\_ e\e 0\0"}"#
        let record = try #require(try LogBatch.records(in: field).first)
        #expect(record.message == "q\" b\\ n\n t\t u\u{e9} xA U\u{1F600} s/ N\u{85} _\u{A0} e\u{1B} 0\u{0}")
    }

    /// libyaml (Yams, and LAVA's CLoader) refuses escapes of surrogates, JSON's surrogate pairs
    /// included, and of code points past U+10FFFF: the scanner must not store such a record, which
    /// neither could load back (found by scripts/fuzz.sh log-batch).
    @Test(arguments: [#"\ud83d\ude00"#, #"\uD800"#, #"\U0000DFFF"#, #"\U00110000"#, #"\U3001F600"#])
    func refusesEscapesOfInvalidCodePoints(escape: String) {
        let error = #expect(throws: LogFormatError.self) {
            try LogBatch.records(in: #"- {"lvl": "info", "msg": "x"# + escape + #""}"#)
        }
        #expect(error?.record == 1)
    }

    @Test func readsSingleQuotedAndPlainScalars() throws {
        let records = try LogBatch.records(in: """
            - {'dt': '2026-05-04', 'lvl': 'info', 'msg': 'it''s here'}
            - {lvl: warning, msg: plain text with spaces}
            - {lvl: info, msg: http://example.org:8080/a?b=c}
            - {"lvl":"debug","msg":"json without spaces"}
            - { "lvl" : "input" , "msg" : "spaced" , }
            """)
        #expect(records.map(\.level) == ["info", "warning", "info", "debug", "input"])
        #expect(records.map(\.message) == [
            "it's here", "plain text with spaces", "http://example.org:8080/a?b=c", "json without spaces", "spaced",
        ])
    }

    @Test func acceptsExplicitTags() throws {
        let records = try LogBatch.records(in: """
            - {"lvl": !!str "info", "msg": !!int "41"}
            - {"dt": "2026-05-04T10:11:21.5+00:00", "lvl": "results", "msg": {"definition": "0_smoke", "case": "ls", "result": "pass", "starttc": !!int "41", "endtc": !!int "43"}}
            """)
        #expect(records[0].level == "info")
        #expect(records[0].message == "41")
        #expect(records[1].level == "results")
        #expect(records[1].message == nil)
    }

    @Test func keepsNestedAndNonASCIIContentAsReceived() throws {
        let lines = """
            - {"lvl": "info", "msg": {"a": [1, "two", {"b": 'c'}], "d": {}}}
            - {"lvl": "target", "msg": "héllo € 😀"}
            """
        let records = try LogBatch.records(in: lines)
        #expect(records.map(\.level) == ["info", "target"])
        #expect(records[1].message == "héllo € 😀")
        #expect(records.map { $0.storedLine() }.joined(separator: "\n") == lines)
    }

    @Test func theLastDuplicateLevelWinsAsInPyYAML() throws {
        let record = try #require(try LogBatch.records(in: #"- {"lvl": "info", "lvl": "event", "msg": "x"}"#).first)
        #expect(record.level == "event")
    }

    @Test func storesEventsAsDebugLines() throws {
        let records = try LogBatch.records(in: """
            - {"dt": "2026-05-04T10:11:12+00:00", "lvl": "event", "msg": "hello"}
            - {lvl: 'event', msg: x}
            - {"lvl": "ev\\x65nt", "msg": "escaped level"}
            - {"lvl": !!str "event", "msg": "tagged"}
            """)
        #expect(records.map(\.level) == ["event", "event", "event", "event"])
        #expect(records[0].message == "hello")
        #expect(records.map { $0.storedLine() } == [
            #"- {"dt": "2026-05-04T10:11:12+00:00", "lvl": "debug", "msg": "hello"}"#,
            #"- {lvl: "debug", msg: x}"#,
            #"- {"lvl": "debug", "msg": "escaped level"}"#,
            #"- {"lvl": !!str "debug", "msg": "tagged"}"#,
        ])
    }

    @Test func recordsOnlyYamsUnderstandsStillWork() throws {
        // An anchor and a comment are outside the fast scanner's subset.
        let records = try LogBatch.records(in: """
            - {"lvl": "event", "msg": &greeting "hi"}
            - {"lvl": "info", "msg": "with comment"} # trailing comment
            - lvl: info
            """)
        #expect(records.map(\.level) == ["event", "info", "info"])
        #expect(records[0].message == "hi")
        #expect(records[1].message == "with comment")
        #expect(records[0].storedLine() == #"- {"lvl": "debug", "msg": "hi"}"#)
        #expect(records[1].storedLine() == #"- {"lvl": "info", "msg": "with comment"} # trailing comment"#)
    }

    @Test func deepNestingFallsBackToYams() throws {
        let depth = 40
        let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let record = try #require(try LogBatch.records(in: #"- {"lvl": "info", "msg": \#(nested)}"#).first)
        #expect(record.level == "info")
    }

    @Test(arguments: [
        (#"- {"lvl": "info"}"# + "\n" + #"{"lvl": "info"}"#, #"log record 2 does not start with "- ""#),
        (#"- {"lvl": "info"}"# + "\n\n" + #"- {"lvl": "info"}"#, #"log record 2 does not start with "- ""#),
        (#"- {"msg": "no level"}"#, "log record 1 has no 'lvl' key"),
        ("- hello", "log record 1 is not a YAML flow mapping"),
        ("- ", "log record 1 is not a YAML flow mapping"),
        (#"- {"lvl": "info", "msg": "unterminated}"#, "log record 1 is not a YAML flow mapping: 1:"),
        (#"- {"lvl": "info", "msg": "bad \q escape"}"#, "log record 1 is not a YAML flow mapping: 1:"),
        (#"- {"lvl": "info", "msg": "x"} trailing"#, "log record 1 is not a YAML flow mapping: 1:"),
        (#"- {"lvl": {"nested": "map"}, "msg": "x"}"#, "log record 1 has a 'lvl' that is not a string"),
        ("- {\"lvl\": \"info\", \"msg\": \"bell\u{7}\"}", "log record 1 contains the unprintable character U+0007 at byte 31 of its line: write it as \\x07"),
        ("- {\"lvl\": \"info\", \"msg\": \"a\rb\"}", "log record 1 contains the unprintable character U+000D"),
        ("- {\"lvl\": \"info\", \"msg\": \"c1\u{80}\"}", "log record 1 contains the unprintable character U+0080"),
        ("- {\"lvl\": \"info\", \"msg\": \"nc\u{FFFE}\"}", "log record 1 contains the unprintable character U+FFFE"),
    ])
    func reportsMalformedRecords(field: String, expected: String) {
        let error = #expect(throws: LogFormatError.self) { try LogBatch.records(in: field) }
        #expect(error?.description.hasPrefix(expected) == true, "got: \(error?.description ?? "no error")")
    }

    @Test func allowsTabsAndNextLine() throws {
        let record = try #require(try LogBatch.records(in: "- {\"lvl\":\t\"info\", \"msg\": \"tab\there nel\u{85}\"}").first)
        #expect(record.message == "tab\there nel\u{85}")
    }

    @Test func errorsNameTheRecordNumber() {
        let field = """
            - {"lvl": "info", "msg": "one"}
            - {"lvl": "info", "msg": "two"}
            - {"lvl": "info", "msg": ["three"}
            """
        let error = #expect(throws: LogFormatError.self) { try LogBatch.records(in: field) }
        #expect(error?.record == 3)
        #expect(error?.description.hasPrefix("log record 3 is not a YAML flow mapping: ") == true)
    }
}
