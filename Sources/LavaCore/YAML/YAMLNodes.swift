import Yams

/// Small helpers around Yams shared by the log and job parsers.
public enum YAMLNodes {
    /// The first line of a Yams error ("1:12: error: scanner: ..."): it carries the line and column
    /// while leaving out the snippet, which for a 100,000-character log line would swamp the message.
    public static func summary(of error: any Error) -> String {
        let text = String(describing: error)
        return text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? text
    }

    /// `node` as PyYAML's `yaml.safe_dump` writes it (block style, sorted keys, plain scalars where
    /// they read back as the same type): the form LAVA stores in a test case's `metadata`.
    static func pythonDump(_ node: Node) -> String {
        (try? Yams.serialize(node: normalized(node, flow: false), sortKeys: true)) ?? ""
    }

    /// `node` as one flow-style line, strings double-quoted like LAVA's log writer.
    static func flowLine(_ node: Node) -> String? {
        guard let text = try? Yams.serialize(node: normalized(node, flow: true), width: -1) else { return nil }
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }

    /// The resolved tag of `node` (`Tag.name` is internal to Yams).
    static func tagName(_ node: Node) -> Tag.Name {
        Tag.Name(rawValue: node.tag.rawValue)
    }

    /// The text of a scalar that is a YAML string (not `123`, `true` or `null`).
    static func string(_ node: Node?) -> String? {
        guard let node, let scalar = node.scalar, tagName(node) == .str else { return nil }
        return scalar.string
    }

    /// Rebuilds `node` with explicit tags and styles so the emitter neither adds `!!map` tags nor
    /// changes a value's type: strings that would read back as numbers or booleans get quoted.
    private static func normalized(_ node: Node, flow: Bool) -> Node {
        switch node {
        case .scalar(let scalar):
            return normalizedScalar(scalar, tag: tagName(node), flow: flow)
        case .mapping(let mapping):
            let pairs = mapping.map { (normalized($0.key, flow: flow), normalized($0.value, flow: flow)) }
            return Node(pairs, Tag(.map), flow ? .flow : .block)
        case .sequence(let sequence):
            return Node(sequence.map { normalized($0, flow: flow) }, Tag(.seq), flow ? .flow : .block)
        case .alias:
            return node
        }
    }

    private static func normalizedScalar(_ scalar: Node.Scalar, tag: Tag.Name, flow: Bool) -> Node {
        switch tag {
        case .str:
            if flow { return Node(scalar.string, Tag(.str), .doubleQuoted) }
            let readsAsString = tagName(Node(scalar.string)) == .str
            return Node(scalar.string, Tag(.str), readsAsString ? .any : .singleQuoted)
        case .int:
            return Node(Int.construct(from: scalar).map(String.init) ?? scalar.string, Tag(.int))
        case .bool:
            return Node(Bool.construct(from: scalar).map { $0 ? "true" : "false" } ?? scalar.string, Tag(.bool))
        case .null:
            return Node("null", Tag(.null))
        default:
            return Node(scalar.string, Tag(tag))
        }
    }
}
