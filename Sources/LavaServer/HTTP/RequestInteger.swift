/// Whole numbers taken from a request (query, form, path): parsed with bounds, so no value a
/// client sends can make later arithmetic on it trap.
enum RequestInteger {
    /// Offsets, line numbers and indexes: far above any real list or log, far below overflow
    /// when a page size or a count is added.
    static let maxPosition = 1 << 40

    /// `text` as an integer in `range`, or a 400 naming the field and the range.
    static func parse(_ text: String, field: String, in range: ClosedRange<Int>) throws(APIError) -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw APIError(.badRequest, "Invalid '\(field)': give a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}
