/// Cuts one fuzz input into the several values a harness needs, so that every byte string is a
/// valid input and small mutations make small changes.
enum FuzzInput {
    /// The input split at NUL bytes into exactly `count` strings (missing ones are empty; the
    /// last one keeps any further NULs).
    static func strings(_ input: [UInt8], count: Int) -> [String] {
        var parts = input.split(separator: 0, maxSplits: count - 1, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        while parts.count < count { parts.append("") }
        return parts
    }

    /// A number from the input's first eight bytes (little-endian), for the values that are not text.
    static func number(_ input: [UInt8]) -> Int {
        input.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << ($1.offset * 8) }
    }
}
