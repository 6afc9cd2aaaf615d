/// One test case to store, built from a `results` log record by the rules of LAVA's
/// `lava_results_app/dbutils.py` `map_scanned_results` (spec §5.3 "Result mapping").
public struct TestCaseRecord: Sendable, Equatable {
    /// The test suite name (`definition`); `lava` holds the dispatcher's own action results.
    public let suite: String
    /// The case name: `case` stripped, control characters replaced by `_ctrl-char_`.
    public let name: String
    /// One of `pass`, `fail`, `skip`, `unknown`.
    public let result: String
    public let measurement: Double?
    public let units: String?
    /// The test set (`set`), nil when absent or rejected (see `warnings`).
    public let testSet: String?
    /// Server line numbers from `starttc` / `endtc`; always nil for suite `lava`.
    public let startLogLine: Int?
    public let endLogLine: Int?
    /// YAML of the whole results message without `starttc`/`endtc`, at most 4096 characters.
    public let metadata: String
    /// The `extra` mapping to merge into the job's metadata store, when the record has `extra` and `level`.
    public let extra: ResultExtra?
    /// Notes LAVA appends to the job's failure comment while still keeping the case.
    public let warnings: [String]

    public init(
        suite: String, name: String, result: String, measurement: Double? = nil, units: String? = nil,
        testSet: String? = nil, startLogLine: Int? = nil, endLogLine: Int? = nil, metadata: String,
        extra: ResultExtra? = nil, warnings: [String] = []
    ) {
        self.suite = suite
        self.name = name
        self.result = result
        self.measurement = measurement
        self.units = units
        self.testSet = testSet
        self.startLogLine = startLogLine
        self.endLogLine = endLogLine
        self.metadata = metadata
        self.extra = extra
        self.warnings = warnings
    }
}

/// A results record's `extra` data, which LAVA keeps out of the database in
/// `<output_dir>/metadata/<definition>-<case>-<level>.yaml`, merging the keys of every record
/// with the same definition, case and level.
public struct ResultExtra: Sendable, Equatable {
    /// `<definition>-<case>-<level>.yaml`.
    public let fileName: String
    /// The `extra` value as block YAML, ready to be loaded and merged into that file.
    public let yaml: String

    public init(fileName: String, yaml: String) {
        self.fileName = fileName
        self.yaml = yaml
    }
}
