/// A log upload that cannot be stored: the message names the record (1-based, in upload order)
/// and says what to change.
public struct LogFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based position of the offending record in the upload, nil when the upload as a whole is wrong.
    public let record: Int?
    public let description: String

    init(record: Int?, _ description: String) {
        self.record = record
        self.description = description
    }

    static func record(_ number: Int, _ problem: String) -> LogFormatError {
        LogFormatError(record: number, "log record \(number) \(problem)")
    }
}
