import Testing
@testable import LavaCore

/// The scanner must handle what lava-run actually sends without Yams, or the upload path is slow.
@Suite struct FlowMappingScannerTests {
    private func scan(_ text: String) -> FlowMappingScanner.Result? {
        var text = text
        return text.withUTF8 { FlowMappingScanner.scan($0) }
    }

    @Test(arguments: [
        #"{"dt": "2026-11-24T22:46:13.208235", "lvl": "target", "msg": "+ echo tick 5"}"#,
        #"{"dt": "2026-05-04T10:11:21.5+00:00", "lvl": "results", "msg": {"definition": "0_smoke", "case": "ls", "result": "pass", "starttc": !!int "41", "endtc": !!int "43"}}"#,
        #"{"dt": "2026-05-04T10:11:12+00:00", "lvl": "feedback", "msg": "x", "ns": "common"}"#,
        #"{"lvl": "info", "msg": {"skip": "line way too long ..."}}"#,
        #"{'lvl': 'info', msg: plain, "n": [1, [2, {}], []]}"#,
    ])
    func handlesCommonRecords(text: String) throws {
        let result = try #require(scan(text))
        #expect(result.level != nil)
    }

    @Test(arguments: [
        #"{"lvl": "info", "msg": &a "x"}"#,
        #"{"lvl": "info", "msg": *a}"#,
        #"{"lvl": "info"} # comment"#,
        #"{"lvl": "info", "msg": }"#,
        #"{"lvl": !!int "1"}"#,
        #"{"lvl": "info", "msg": [a: b]}"#,
        #"{"lvl": "info", "msg": "bad \q"}"#,
        #"{? complex : key}"#,
        #"lvl: info"#,
        // Tags libyaml refuses or reads differently (found by scripts/fuzz.sh log-batch).
        #"{"lvl": "info", "msg": !!in"t "x"}"#,
        #"{"lvl": "info", "msg": !e!x "y"}"#,
        #"{"lvl": "info", "msg": !<tag:yaml.org,2002:str> "y"}"#,
        #"{"lvl": "info", "msg": !x%zz "y"}"#,
        #"{!local "lvl": "info", "msg": "x"}"#,
        // In flow context libyaml reads `?` and `:` as indicators even before a non-blank.
        #"{"lvl": "info", "msg": ?x}"#,
        #"{"lvl": "info", "msg": :x}"#,
        // libyaml refuses `:` before a flow indicator or `?` inside a plain scalar.
        #"{"lvl": "info", g :{a: b}}"#,
        #"{"lvl": "info", "msg": a:?b}"#,
        #"{lvl:[x], msg: y}"#,
        // libyaml refuses a tab before the mapping ("cannot start any token").
        "\t{\"lvl\": \"info\"}",
        " \t {\"lvl\": \"info\"}",
    ])
    func leavesTheRestToYams(text: String) {
        #expect(scan(text) == nil)
    }

    @Test func reportsTheLevelRangeForTheRewrite() throws {
        let text = #"{"dt": "x", "lvl": "event", "msg": "m"}"#
        let level = try #require(scan(text)?.level)
        let bytes = Array(text.utf8)
        #expect(String(decoding: bytes[level.range], as: UTF8.self) == #""event""#)
        #expect(String(decoding: bytes[level.content], as: UTF8.self) == "event")
    }
}
