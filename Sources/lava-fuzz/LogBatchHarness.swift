import LavaCore
import Yams

/// The `lines` field of a log upload, the server's hot path. `LogBatch` must not crash on any
/// input, and every record it accepts must read the same with Yams (its fast scanner is a
/// shortcut, not a second YAML dialect): same `lvl`, same `msg`, a stored line that loads back
/// (an event's `lvl` as `debug`), and a `results` record must map to a test case or a clear error.
enum LogBatchHarness {
    static let harness = Harness(name: "log-batch") { input in
        guard let records = try? LogBatch.records(in: String(decoding: input, as: UTF8.self)) else { return }
        for record in records {
            check(record)
        }
    }

    /// Also used by the encoder harnesses: whatever they write must pass here.
    static func check(_ record: LogRecord) {
        // Duplicate keys are the one intended difference: the scanner lets the later win, as
        // PyYAML on the LAVA server does, where Yams refuses the whole record.
        if hasDuplicateKeys(record.text) { return }
        let fields = mapping(record.text)
        expect(fields != nil, "record \(record.number) was accepted but Yams cannot load it: \(record.text)")
        expect(fields?["lvl"]?.scalar?.string == record.level,
               "record \(record.number): lvl \(record.level) but Yams reads \(String(describing: fields?["lvl"])): \(record.text)")
        expect(fields?["msg"]?.scalar?.string == record.message,
               "record \(record.number): msg \(String(describing: record.message)) but Yams reads "
                   + "\(String(describing: fields?["msg"])): \(record.text)")
        let stored = record.storedLine()
        let storedFields = stored.hasPrefix("- ") ? mapping(String(stored.dropFirst(2))) : nil
        expect(storedFields?["lvl"]?.scalar?.string == (record.level == "event" ? "debug" : record.level),
               "record \(record.number): the stored line does not load back with its lvl: \(stored)")
        // The rewrite writes a null as `null`, where the record may have had it empty.
        let storedMessage = storedFields?["msg"]
        expect(storedMessage?.scalar?.string == record.message
                   || (storedMessage?.null != nil && fields?["msg"]?.null != nil),
               "record \(record.number): the stored line does not load back with its msg: \(stored)")
        _ = try? record.result(metadataDirectory: "/srv/lava/job/metadata")
    }

    private static func mapping(_ text: String) -> Node.Mapping? {
        (try? Yams.compose(yaml: text))?.mapping
    }

    private static func hasDuplicateKeys(_ text: String) -> Bool {
        do {
            _ = try Yams.compose(yaml: text)
            return false
        } catch YamlError.duplicatedKeysInMapping {
            return true
        } catch {
            return false
        }
    }
}
