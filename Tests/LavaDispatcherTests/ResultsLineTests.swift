import Foundation
import LavaCore
import Testing

@Suite struct ResultsLineTests {
    private let dt = Date(timeIntervalSince1970: 1_777_889_481.5)

    @Test func encodesLikeLAVA() {
        let message: ResultsMessage = [
            "definition": "0_smoke", "case": "ls", "result": "pass", "measurement": 1.5, "units": "s",
            "ok": true, "starttc": 41, "endtc": 43,
        ]
        #expect(ResultsLine(dt: dt, message: message).encoded()
            == #"{"dt": "2026-05-04T10:11:21.500000+00:00", "lvl": "results", "msg": {"definition": "0_smoke", "case": "ls", "result": "pass", "measurement": !!float "1.5", "units": "s", "ok": !!bool "true", "starttc": !!int "41", "endtc": !!int "43"}}"#)
    }

    @Test func writesFloatsAsPyYAML() {
        func text(_ value: Double) -> String {
            let line = ResultsLine(dt: dt, message: ["m": .float(value)]).encoded()
            return String(line.split(separator: "!!float ")[1].dropFirst().prefix { $0 != "\"" })
        }
        #expect(text(10) == "10.0")
        #expect(text(0.1) == "0.1")
        #expect(text(0.0001) == "0.0001")
        #expect(text(0.00001) == "1.0e-05")
        #expect(text(1.25e-7) == "1.25e-07")
        #expect(text(1e16) == "1.0e+16")
        #expect(text(123456789012345.6) == "123456789012345.6")
        #expect(text(-2.5) == "-2.5")
        #expect(text(.infinity) == ".inf")
        #expect(text(.nan) == ".nan")
    }

    @Test func escapesStrings() {
        let line = ResultsLine(dt: dt, message: ["case": "a\"b\\c\u{1}é"]).encoded()
        #expect(line.hasSuffix(#"{"case": "a\"b\\c\x01\xE9"}}"#))
    }

    @Test func replacesAHugeMessage() {
        let line = ResultsLine(dt: dt, message: ["case": .string(String(repeating: "x", count: 100_000))]).encoded()
        #expect(line.hasSuffix(#""msg": {"skip": "line way too long ..."}}"#))
    }

    /// The server's own parser turns what lava-run writes into the test case LAVA would store.
    @Test func roundTripsThroughTheServerParser() throws {
        let message: ResultsMessage = [
            "definition": "0_smoke", "case": "speed", "result": "pass", "measurement": 12.5, "units": "MB/s",
            "set": "net", "starttc": 41, "endtc": 43,
        ]
        let records = try LogBatch.records(in: "- " + ResultsLine(dt: dt, message: message).encoded())
        let record = try #require(records.first)
        let testCase = try #require(try record.result())
        #expect(testCase.suite == "0_smoke")
        #expect(testCase.name == "speed")
        #expect(testCase.result == "pass")
        #expect(testCase.measurement == 12.5)
        #expect(testCase.units == "MB/s")
        #expect(testCase.testSet == "net")
        #expect(testCase.startLogLine == 41)
        #expect(testCase.endLogLine == 43)

        let run: ResultsMessage = [
            "definition": "lava", "case": "0_smoke", "uuid": "42_1.1", "repository": "inline", "path": "t.yaml",
            "duration": "3.25", "result": "pass", "revision": "unspecified", "namespace": "common",
        ]
        let lava = try #require(try LogBatch.records(in: "- " + ResultsLine(dt: dt, message: run).encoded())[0].result())
        #expect(lava.suite == "lava")
        #expect(lava.measurement == 3.25)
        #expect(lava.units == "seconds")
    }
}
