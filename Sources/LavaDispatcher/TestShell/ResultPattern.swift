import Foundation

/// A definition's `parse.pattern`: a Python regex whose named groups `test_case_id`, `result`,
/// `measurement` and `units` turn matching console lines of the run into test cases.
struct ResultPattern: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable and safe to share once built.
    private let regex: NSRegularExpression
    /// Python group name → the ICU name it was renamed to.
    private let groups: [String: String]

    /// Nil when the pattern does not compile.
    init?(_ pattern: String) {
        // Python spells named groups (?P<name>...) and backreferences (?P=name); ICU wants
        // (?<name>...) and \k<name>, with names of letters and digits only (no `_`), so every
        // group is renamed g0, g1, ...
        guard let named = try? NSRegularExpression(pattern: #"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>|\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)"#) else {
            return nil
        }
        let source = pattern as NSString
        var converted = ""
        var groups: [String: String] = [:]
        var position = 0
        for match in named.matches(in: pattern, range: NSRange(location: 0, length: source.length)) {
            converted += source.substring(with: NSRange(location: position, length: match.range.location - position))
            if match.range(at: 1).location != NSNotFound {
                let name = source.substring(with: match.range(at: 1))
                let renamed = groups[name] ?? "g\(groups.count)"
                groups[name] = renamed
                converted += "(?<\(renamed)>"
            } else {
                let name = source.substring(with: match.range(at: 2))
                converted += "\\k<\(groups[name] ?? name)>"
            }
            position = NSMaxRange(match.range)
        }
        converted += source.substring(from: position)
        guard let regex = try? NSRegularExpression(pattern: converted) else { return nil }
        self.regex = regex
        self.groups = groups
    }

    /// The named groups of the first match in `line` (groups that did not take part are left out).
    func match(_ line: String) -> [String: String]? {
        let range = NSRange(line.startIndex..., in: line)
        guard let match = regex.firstMatch(in: line, range: range) else { return nil }
        var values: [String: String] = [:]
        for (name, renamed) in groups where ["test_case_id", "result", "measurement", "units"].contains(name) {
            let groupRange = match.range(withName: renamed)
            guard groupRange.location != NSNotFound, let swiftRange = Range(groupRange, in: line) else { continue }
            values[name] = String(line[swiftRange])
        }
        return values
    }
}
