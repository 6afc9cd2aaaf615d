import Foundation
import Yams

/// Turns the `msg` of a `results` record into a `TestCaseRecord` (spec §5.3 "Result mapping").
enum ResultMapping {
    static let validResults: Set<String> = ["pass", "fail", "skip", "unknown"]
    static let maxMetadataLength = 4096

    /// - Parameter metadataDirectory: where the server keeps `extra` stores; the stored metadata
    ///   names the store by this path, as LAVA does. Nil names it by file name only.
    /// - Returns: nil when `result` is not one of pass/fail/skip/unknown (LAVA ignores such records).
    static func testCase(
        from message: Node, record: Int, metadataDirectory: String?
    ) throws(LogFormatError) -> TestCaseRecord? {
        guard var fields = message.mapping else {
            throw .record(record, "has lvl 'results' but its msg is not a mapping: send "
                + "msg: {definition: <suite>, case: <name>, result: pass|fail|skip|unknown}")
        }
        for key in ["definition", "case", "result"] where fields[key] == nil {
            throw .record(record, "has lvl 'results' but its msg has no '\(key)': a result needs "
                + "'definition', 'case' and 'result'")
        }
        let startLine = try integer(fields["starttc"], key: "starttc", record: record)
        let endLine = try integer(fields["endtc"], key: "endtc", record: record)
        fields["starttc"] = nil
        fields["endtc"] = nil

        let suite = try text(fields["definition"], key: "definition", record: record)
        let caseName = try text(fields["case"], key: "case", record: record)
        guard let result = fields["result"]?.scalar?.string, validResults.contains(result) else { return nil }

        var warnings: [String] = []
        let extra = storeExtra(in: &fields, suite: suite, caseName: caseName, directory: metadataDirectory)
        let metadata = metadataText(fields, warnings: &warnings)
        var testSet = fields["set"]?.scalar?.string
        if let name = testSet, !isURLSafe(name) {
            warnings.append("Invalid testset name '\(name)', ignoring.")
            testSet = nil
        }
        let name = sanitizedName(caseName)

        // Suite `lava` holds action results: the measurement is the action's duration, without log lines.
        if suite == "lava" {
            let hasDuration = fields["duration"] != nil
            return TestCaseRecord(
                suite: suite, name: name, result: result,
                measurement: try number(fields["duration"], key: "duration", record: record),
                units: hasDuration ? "seconds" : nil, testSet: testSet,
                metadata: metadata, extra: extra, warnings: warnings)
        }
        return TestCaseRecord(
            suite: suite, name: name, result: result,
            measurement: try number(fields["measurement"], key: "measurement", record: record),
            units: fields["units"]?.scalar?.string, testSet: testSet,
            startLogLine: startLine, endLogLine: endLine,
            metadata: metadata, extra: extra, warnings: warnings)
    }

    /// `case` stripped, with each control character replaced (names end up in HTTP headers of exports).
    static func sanitizedName(_ caseName: String) -> String {
        var name = ""
        for scalar in caseName.trimmingCharacters(in: .whitespacesAndNewlines).unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                name += "_ctrl-char_"
            } else {
                name.unicodeScalars.append(scalar)
            }
        }
        return name
    }

    /// Replaces `extra` by the store's path as LAVA does; `extra` without `level` becomes null.
    private static func storeExtra(
        in fields: inout Node.Mapping, suite: String, caseName: String, directory: String?
    ) -> ResultExtra? {
        guard let value = fields["extra"] else { return nil }
        guard let level = fields["level"]?.scalar?.string else {
            fields["extra"] = Node("null", Tag(.null))
            return nil
        }
        let fileName = "\(suite)-\(caseName)-\(level).yaml"
        let path = directory.map { ($0 as NSString).appendingPathComponent(fileName) } ?? fileName
        fields["extra"] = Node(path, Tag(.str))
        return ResultExtra(fileName: fileName, yaml: YAMLNodes.pythonDump(value))
    }

    /// The metadata dump, cut down as LAVA does when over 4096 characters.
    private static func metadataText(_ fields: Node.Mapping, warnings: inout [String]) -> String {
        let full = YAMLNodes.pythonDump(.mapping(fields))
        guard full.unicodeScalars.count > maxMetadataLength else { return full }
        warnings.append("Result metadata is too long (\(full.unicodeScalars.count) characters): "
            + "kept only case, definition, result and error_type")
        var kept: [(Node, Node)] = []
        for key in ["case", "definition", "result", "error_type"] {
            if let value = fields[key] { kept.append((Node(key), value)) }
        }
        let stripped = YAMLNodes.pythonDump(Node(kept))
        guard stripped.unicodeScalars.count <= maxMetadataLength else { return "" }
        guard let errorMessage = fields["error_msg"]?.scalar?.string else { return stripped }
        kept.append((Node("error_msg"), Node(String(String.UnicodeScalarView(errorMessage.unicodeScalars.prefix(256))))))
        let withError = YAMLNodes.pythonDump(Node(kept))
        return withError.unicodeScalars.count < maxMetadataLength ? withError : stripped
    }

    /// Python's `urllib.parse.quote` leaves letters, digits, `_.-~` and `/` alone; LAVA rejects other set names.
    private static func isURLSafe(_ name: String) -> Bool {
        name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "_.-~/".unicodeScalars.contains(scalar))
        }
    }

    private static func text(_ node: Node?, key: String, record: Int) throws(LogFormatError) -> String {
        guard let scalar = node?.scalar else {
            throw .record(record, "has a results msg whose '\(key)' is not a string")
        }
        return scalar.string
    }

    private static func integer(_ node: Node?, key: String, record: Int) throws(LogFormatError) -> Int? {
        guard let node, YAMLNodes.tagName(node) != .null else { return nil }
        guard let scalar = node.scalar, let value = Int.construct(from: scalar) ?? Int(scalar.string) else {
            throw .record(record, "has a results msg whose '\(key)' is not a whole number (a log line number)")
        }
        return value
    }

    private static func number(_ node: Node?, key: String, record: Int) throws(LogFormatError) -> Double? {
        guard let node, YAMLNodes.tagName(node) != .null else { return nil }
        // NaN and infinities are no measurement (LAVA keeps a decimal), and JSON cannot carry them.
        guard let scalar = node.scalar, let value = Double.construct(from: scalar) ?? Double(scalar.string), value.isFinite else {
            throw .record(record, "has a results msg whose '\(key)' is not a number; send a decimal such as 12.5")
        }
        return value
    }
}
