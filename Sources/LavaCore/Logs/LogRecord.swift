import Yams

/// One record of a log upload: a single-line YAML flow mapping with at least `lvl`.
public struct LogRecord: Sendable {
    /// The record's 1-based position in its upload, used in error messages.
    public let number: Int
    /// The record without the `- ` list prefix, exactly as received.
    public let text: String
    /// The top-level `lvl` value: `info`, `target`, `event`, `results`, ...
    public let level: String
    private let origin: Origin

    /// Where `level` came from: the fast scanner keeps byte offsets so the event rewrite and `message`
    /// need no second parse; records only Yams could read are parsed again on demand (rare).
    private enum Origin: Sendable {
        case scanned(level: Range<Int>, message: ScalarToken?)
        case yaml
    }

    /// Parses one physical line of the `lines` field (with its `- ` prefix, without the line break).
    init(line: UnsafeBufferPointer<UInt8>, number: Int) throws(LogFormatError) {
        guard line.count >= 2, line[0] == UInt8(ascii: "-"), line[1] == UInt8(ascii: " ") else {
            throw .record(number, "does not start with \"- \": each line of 'lines' must be \"- \" followed by "
                + "one flow mapping, e.g. - {\"dt\": \"2026-05-04T10:11:12.345678+00:00\", \"lvl\": \"info\", \"msg\": \"hello\"}")
        }
        let body = UnsafeBufferPointer(rebasing: line[2...])
        self.number = number
        text = String(decoding: body, as: UTF8.self)
        if let scanned = FlowMappingScanner.scan(body) {
            guard let level = scanned.level else { throw Self.missingLevel(number) }
            self.level = level.decoded(in: body)
            origin = .scanned(level: level.range, message: scanned.message)
        } else {
            let fields = try Self.mapping(of: text, number: number)
            guard let level = fields["lvl"] else { throw Self.missingLevel(number) }
            guard let value = level.scalar?.string else {
                throw .record(number, "has a 'lvl' that is not a string: use one of info, debug, target, event, results, ...")
            }
            self.level = value
            origin = .yaml
        }
    }

    /// The line to append to `output.yaml`, without the line break: `- ` + `text`, except that an
    /// `event` record is stored with `lvl` `debug`, as LAVA does after publishing the event (§5.3).
    public func storedLine() -> String {
        guard level == "event" else { return "- " + text }
        switch origin {
        case .scanned(let range, _):
            var utf8 = Array(text.utf8)
            utf8.replaceSubrange(range, with: #""debug""#.utf8)
            return "- " + String(decoding: utf8, as: UTF8.self)
        case .yaml:
            // Parsed once already, so this succeeds; the original text is the safe answer otherwise.
            guard var fields = try? Self.mapping(of: text, number: number) else { return "- " + text }
            fields["lvl"] = Node("debug", Tag(.str), .doubleQuoted)
            return "- " + (YAMLNodes.flowLine(.mapping(fields)) ?? text)
        }
    }

    /// `msg` when it is a scalar (the text published for `event` records); nil for mappings and lists.
    public var message: String? {
        switch origin {
        case .scanned(_, let message):
            guard let message else { return nil }
            var text = text
            return text.withUTF8 { message.decoded(in: $0) }
        case .yaml:
            return (try? Self.mapping(of: text, number: number))?["msg"]?.scalar?.string
        }
    }

    /// The test case for a `results` record, nil for other levels and for results LAVA ignores
    /// (a `result` other than pass, fail, skip or unknown).
    /// - Parameter metadataDirectory: the job's `<output_dir>/metadata`, so the stored metadata names
    ///   the `extra` store by its path as LAVA does; nil names it by file name.
    /// - Throws: when `msg` is not a mapping with `definition`, `case` and `result`, or holds values
    ///   of the wrong type; LAVA adds such problems to the job's failure comment.
    public func result(metadataDirectory: String? = nil) throws(LogFormatError) -> TestCaseRecord? {
        guard level == "results" else { return nil }
        guard let message = try Self.mapping(of: text, number: number)["msg"] else {
            throw .record(number, "has lvl 'results' but no 'msg': send "
                + "msg: {definition: <suite>, case: <name>, result: pass|fail|skip|unknown}")
        }
        return try ResultMapping.testCase(from: message, record: number, metadataDirectory: metadataDirectory)
    }

    private static func mapping(of text: String, number: Int) throws(LogFormatError) -> Node.Mapping {
        let node: Node?
        do {
            node = try UntrustedYAML.compose(text, limits: .logRecord)
        } catch let error as YAMLLimitError {
            throw .record(number, "is over a limit: \(error)")
        } catch {
            throw .record(number, "is not a YAML flow mapping: \(YAMLNodes.summary(of: error))")
        }
        guard let mapping = node?.mapping else {
            throw .record(number, "is not a YAML flow mapping: write it as {\"lvl\": \"info\", \"msg\": \"...\"}")
        }
        return mapping
    }

    private static func missingLevel(_ number: Int) -> LogFormatError {
        .record(number, "has no 'lvl' key: every record needs one, e.g. {\"lvl\": \"info\", \"msg\": \"...\"}")
    }
}
