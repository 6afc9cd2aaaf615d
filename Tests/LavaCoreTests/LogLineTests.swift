import Foundation
import Testing
@testable import LavaCore

@Suite struct LogLineTests {
    private let dt = Date(timeIntervalSince1970: 1_777_889_472.345678)

    @Test func encodesLikeLAVA() {
        let line = LogLine(dt: dt, level: "info", message: "start: 1 deploy-docker (timeout 00:10:00) [common]")
        #expect(line.encoded()
            == #"{"dt": "2026-05-04T10:11:12.345678+00:00", "lvl": "info", "msg": "start: 1 deploy-docker (timeout 00:10:00) [common]"}"#)
    }

    /// Expected texts produced by LAVA's own `dump()` (PyYAML 6 on libyaml).
    @Test(arguments: [
        ("quote \" and backslash \\", #""quote \" and backslash \\""#),
        ("tab\tnewline\ncr\r", #""tab\tnewline\ncr\r""#),
        ("bell\u{7} esc\u{1B} nul\u{0} del\u{7F}", #""bell\a esc\e nul\0 del\x7F""#),
        ("caf\u{E9} \u{20AC} \u{1F600}", #""caf\xE9 \u20AC \U0001F600""#),
        ("nel\u{85} nbsp\u{A0} ls\u{2028} ps\u{2029} bom\u{FEFF}", #""nel\N nbsp\_ ls\L ps\P bom\uFEFF""#),
        ("it's: {a, b} # not a comment", #""it's: {a, b} # not a comment""#),
        ("", #""""#),
    ])
    func escapesMessagesLikePyYAML(message: String, quoted: String) {
        let line = LogLine(dt: dt, level: "info", message: message)
        #expect(line.encoded() == #"{"dt": "2026-05-04T10:11:12.345678+00:00", "lvl": "info", "msg": "# + quoted + "}")
    }

    @Test(arguments: [
        (1_777_889_472.0, "2026-05-04T10:11:12+00:00"),
        (-1.5, "1969-12-31T23:59:58.500000+00:00"),
        (951_782_400.000001, "2000-02-29T00:00:00.000001+00:00"),
        (0, "1970-01-01T00:00:00+00:00"),
    ])
    func formatsTimestampsLikePythonIsoformat(seconds: Double, expected: String) {
        #expect(UTCTimestamp.isoformat(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func replacesMessagesOfOverlongLines() {
        let line = LogLine(dt: dt, level: "target", message: String(repeating: "y", count: 100_000))
        #expect(line.encoded() == #"{"dt": "2026-05-04T10:11:12.345678+00:00", "lvl": "target", "msg": "<line way too long ...>"}"#)
    }

    @Test func roundTripsThroughLogBatch() throws {
        let messages = [
            "plain", "quote \" backslash \\ slash /", "controls \u{0}\u{1}\u{7}\u{8}\t\n\u{B}\u{C}\r\u{1B}\u{1F}\u{7F}",
            "c1 \u{80}\u{85}\u{9F}\u{A0}", "unicode é € 😀 \u{2028}\u{2029}\u{FEFF}\u{FFFE}", "yaml: {a, b} [c] # d & *e !f",
            "  leading and trailing  ", "",
        ]
        let lines = messages.enumerated().map { index, message in
            LogLine(dt: dt, level: index.isMultiple(of: 2) ? "target" : "event", message: message)
        }
        let field = "- " + lines.map { $0.encoded() }.joined(separator: "\n- ")
        let records = try LogBatch.records(in: field)
        #expect(records.map(\.level) == lines.map(\.level))
        #expect(records.map(\.message) == messages)
        #expect(records.map(\.text) == lines.map { $0.encoded() })
    }
}

@Suite struct ByteSearchTests {
    @Test("finds a needle anywhere, including at the ends; not a partial or absent one")
    func search() {
        #expect(ByteSearch.contains("abc<LAVA_x", Array("<LAVA_".utf8)))
        #expect(ByteSearch.contains("<LAVA_", Array("<LAVA_".utf8)))
        #expect(ByteSearch.contains("x<<LAVA_", Array("<LAVA_".utf8)))
        #expect(!ByteSearch.contains("<LAVA", Array("<LAVA_".utf8)))
        #expect(!ByteSearch.contains("<LAV_A_ <LAVa_", Array("<LAVA_".utf8)))
        #expect(ByteSearch.contains("é secret", Array("secret".utf8)))
        #expect(ByteSearch.contains("", []))
    }
}
