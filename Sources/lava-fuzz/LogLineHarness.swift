import Foundation
import LavaCore

/// lava-run's log writer: the console of the device under test is untrusted, and every line
/// `LogLine` and `ResultsLine` encode must be one record the server accepts with the same
/// level and message (or LAVA's placeholder for an over-long line).
enum LogLineHarness {
    static let harness = Harness(name: "log-line") { input in
        let parts = FuzzInput.strings(input, count: 3)
        // A clock reading (not input), anywhere from 1970 to 2106 with microseconds.
        let dt = Date(timeIntervalSince1970: Double(UInt64(truncatingIfNeeded: FuzzInput.number(input)) % (1_000_000 << 32)) / 1_000_000)
        let line = LogLine(dt: dt, level: parts[0], message: parts[1])
        let record = accepted("- " + line.encoded())
        LogBatchHarness.check(record)
        let placeholder = record.message == "<line way too long ...>"
        expect(record.level == parts[0] && (record.message == parts[1] || placeholder),
               "LogLine(level: \(parts[0].debugDescription), message: \(parts[1].debugDescription)) reads back "
                   + "as \(record.level.debugDescription), \(String(describing: record.message?.debugDescription))")

        var message: ResultsMessage = ["definition": "0_smoke", "case": .string(parts[0]), "result": "pass"]
        message[parts[1]] = .string(parts[2])
        message["measurement"] = .float(Double(bitPattern: UInt64(truncatingIfNeeded: FuzzInput.number(input))))
        message["starttc"] = .int(FuzzInput.number(input))
        let results = accepted("- " + ResultsLine(dt: dt, message: message).encoded())
        LogBatchHarness.check(results)
        expect(results.level == "results", "a ResultsLine reads back with lvl \(results.level)")
    }

    private static func accepted(_ line: String) -> LogRecord {
        do {
            let records = try LogBatch.records(in: line)
            expect(records.count == 1, "one encoded line reads back as \(records.count) records: \(line)")
            return records[0]
        } catch {
            fatalError("lava-fuzz: the server rejects an encoded line (\(error)): \(line)")
        }
    }
}
