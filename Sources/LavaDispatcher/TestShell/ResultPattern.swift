import Foundation

/// A definition's `parse.pattern`: a Python regex whose named groups `test_case_id`, `result`,
/// `measurement` and `units` turn matching console lines of the run into test cases.
struct ResultPattern: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable and safe to share once built.
    private let regex: NSRegularExpression
    /// The known groups the pattern defines (asking ICU for an undefined name is not portable).
    private let groups: [String]

    /// Nil when the pattern does not compile.
    init?(_ pattern: String) {
        // Python spells named groups (?P<name>...) and backreferences (?P=name); ICU does not.
        var converted = pattern.replacingOccurrences(of: "(?P<", with: "(?<")
        if let backreference = try? NSRegularExpression(pattern: #"\(\?P=(\w+)\)"#) {
            converted = backreference.stringByReplacingMatches(
                in: converted, range: NSRange(converted.startIndex..., in: converted), withTemplate: #"\\k<$1>"#)
        }
        guard let regex = try? NSRegularExpression(pattern: converted) else { return nil }
        self.regex = regex
        groups = ["test_case_id", "result", "measurement", "units"].filter { converted.contains("(?<\($0)>") }
    }

    /// The named groups of the first match in `line` (groups that did not take part are left out).
    func match(_ line: String) -> [String: String]? {
        let range = NSRange(line.startIndex..., in: line)
        guard let match = regex.firstMatch(in: line, range: range) else { return nil }
        var values: [String: String] = [:]
        for group in groups {
            let groupRange = match.range(withName: group)
            guard groupRange.location != NSNotFound, let swiftRange = Range(groupRange, in: line) else { continue }
            values[group] = String(line[swiftRange])
        }
        return values
    }
}
