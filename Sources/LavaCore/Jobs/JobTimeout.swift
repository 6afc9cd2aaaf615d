import Yams

/// Reads LAVA timeouts: `{days|hours|minutes|seconds: N}` with a whole N ≥ 1 and an optional
/// `skip: bool` (`lava_common/schemas` `timeout()`).
enum JobTimeout {
    private static let unitSeconds: [(name: String, seconds: Int)] = [
        ("days", 86_400), ("hours", 3_600), ("minutes", 60), ("seconds", 1),
    ]
    private static let example = "e.g. {minutes: 10}"

    static func duration(_ node: Node, at path: String) throws(JobDefinitionError) -> Duration {
        guard let mapping = node.mapping else {
            throw JobDefinitionError("'\(path)' must be a mapping with one unit, \(example)")
        }
        var found: (unit: String, seconds: Int)?
        for (keyNode, value) in mapping {
            let key = keyNode.scalar?.string ?? "\(keyNode)"
            if key == "skip" {
                guard YAMLNodes.tagName(value) == .bool else {
                    throw JobDefinitionError("'\(path).skip' must be true or false")
                }
                continue
            }
            guard let unit = unitSeconds.first(where: { $0.name == key }) else {
                throw JobDefinitionError("'\(path).\(key)' is not a timeout unit: use one of days, hours, "
                    + "minutes or seconds, \(example)")
            }
            if let found {
                throw JobDefinitionError("'\(path)' has both '\(found.unit)' and '\(key)': use a single unit, "
                    + "e.g. {seconds: 90}")
            }
            guard YAMLNodes.tagName(value) == .int, let count = value.int, count >= 1 else {
                throw JobDefinitionError("'\(path).\(key)' must be a whole number of at least 1, \(example)")
            }
            let (seconds, overflow) = count.multipliedReportingOverflow(by: unit.seconds)
            guard !overflow else {
                throw JobDefinitionError("'\(path).\(key)' is too large, \(example)")
            }
            found = (key, seconds)
        }
        guard let found else {
            throw JobDefinitionError("'\(path)' needs one of days, hours, minutes or seconds, \(example)")
        }
        return .seconds(found.seconds)
    }
}
