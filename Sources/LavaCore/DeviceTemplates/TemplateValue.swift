import Yams

/// A value handed to a render as a global: what a device dictionary or a job's `context` holds.
public enum TemplateValue: Sendable, Equatable {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([TemplateValue])
    /// A mapping in insertion order, as Python's dict keeps it.
    case dictionary([(key: TemplateValue, value: TemplateValue)])

    public static func == (lhs: TemplateValue, rhs: TemplateValue) -> Bool {
        switch (lhs, rhs) {
        case (.none, .none): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.double(let a), .double(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.list(let a), .list(let b)): a == b
        case (.dictionary(let a), .dictionary(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }
}

extension TemplateValue {
    /// Collections inside collections a YAML context may nest.
    static let maxYAMLDepth = 100
    /// Nodes a YAML context may hold.
    static let maxYAMLNodes = 100_000

    /// A job's `context` (or any YAML value) as render globals: scalars by their resolved YAML tag
    /// (null, bool, int, float, else string), sequences as lists, mappings as dictionaries.
    public init(yaml node: Yams.Node) throws(TemplateError) {
        var budget = Self.maxYAMLNodes
        self = try Self.convert(node, depth: 0, budget: &budget)
    }

    private static func convert(_ node: Yams.Node, depth: Int, budget: inout Int) throws(TemplateError) -> TemplateValue {
        budget -= 1
        guard budget >= 0 else { throw yamlError("it holds more than \(maxYAMLNodes) values") }
        switch node {
        case .scalar(let scalar):
            switch YAMLNodes.tagName(node) {
            case .null: return .none
            case .bool: return Bool.construct(from: scalar).map(TemplateValue.bool) ?? .string(scalar.string)
            case .int: return Int.construct(from: scalar).map(TemplateValue.int) ?? .string(scalar.string)
            case .float: return Double.construct(from: scalar).map(TemplateValue.double) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            guard depth < maxYAMLDepth else { throw yamlError("it nests deeper than \(maxYAMLDepth) levels") }
            var items: [TemplateValue] = []
            for item in sequence { items.append(try convert(item, depth: depth + 1, budget: &budget)) }
            return .list(items)
        case .mapping(let mapping):
            guard depth < maxYAMLDepth else { throw yamlError("it nests deeper than \(maxYAMLDepth) levels") }
            var pairs: [(key: TemplateValue, value: TemplateValue)] = []
            for (key, value) in mapping {
                pairs.append((try convert(key, depth: depth + 1, budget: &budget), try convert(value, depth: depth + 1, budget: &budget)))
            }
            return .dictionary(pairs)
        case .alias:
            throw yamlError("it contains an unresolved alias")
        }
    }

    private static func yamlError(_ reason: String) -> TemplateError {
        TemplateError(file: "context", line: 0, message: "the YAML value cannot be used as template variables: \(reason)")
    }
}
