import Logging

/// One journal entry as its `NAME=value` fields, the form sd_journal_sendv takes.
public struct JournalField: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name)=\(value)" }
}

public enum JournalFields {
    /// The fields the handler sends for one log event: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, the
    /// CODE_* fields journalctl shows with `-o verbose`, ERROR when the event carries one, then
    /// each metadata entry under its key in upper case (`container` → CONTAINER), sorted by name
    /// so entries are reproducible. Metadata cannot replace the fields above: a second MESSAGE
    /// would make the entry show two messages.
    public static func fields(for event: LogEvent, identifier: String, metadata: Logger.Metadata) -> [JournalField] {
        var fields = [
            JournalField("MESSAGE", event.message.description),
            JournalField("PRIORITY", String(priority(event.level))),
            JournalField("SYSLOG_IDENTIFIER", identifier),
            JournalField("CODE_FILE", event.file),
            JournalField("CODE_LINE", String(event.line)),
            JournalField("CODE_FUNC", event.function),
        ]
        if let error = event.error {
            fields.append(JournalField("ERROR", String(describing: error)))
        }
        let reserved = Set(fields.map(\.name))
        let named = metadata.compactMap { key, value in
            fieldName(key).map { JournalField($0, value.description) }
        }
        fields += named.filter { !reserved.contains($0.name) }.sorted { $0.name < $1.name }
        return fields
    }

    /// syslog(3) priorities, which journalctl colours and filters by (`-p warning`).
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7  // LOG_DEBUG
        case .info: 6  // LOG_INFO
        case .notice: 5  // LOG_NOTICE
        case .warning: 4  // LOG_WARNING
        case .error: 3  // LOG_ERR
        case .critical: 2  // LOG_CRIT
        }
    }

    /// journald drops entries with a field name outside [A-Z0-9_], starting with a digit or `_`
    /// (reserved for fields journald adds itself) or longer than 64 bytes, so keys are mapped
    /// into that set; nil when nothing is left.
    public static func fieldName(_ key: String) -> String? {
        let mapped = key.uppercased().unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "A"..."Z", "0"..."9": Character(scalar)
            default: "_"
            }
        }
        let name = String(mapped.drop { $0 == "_" || $0.isNumber }.prefix(64))
        return name.isEmpty ? nil : name
    }
}
