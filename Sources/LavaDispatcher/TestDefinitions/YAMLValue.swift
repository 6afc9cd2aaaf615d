import Yams

/// Reads typed scalars out of composed YAML nodes (tags resolved as the YAML loader does).
enum YAMLValue {
    static func tag(_ node: Node) -> Tag.Name {
        Tag.Name(rawValue: node.tag.rawValue)
    }

    /// A scalar that is a YAML string (not `123`, `true` or `null`).
    static func string(_ node: Node?) -> String? {
        guard let node, let scalar = node.scalar, tag(node) == .str else { return nil }
        return scalar.string
    }

    /// Any non-null scalar as its text: what Python's `str()` gives for strings and numbers
    /// (`branch: 1.0`, `revision: 1234567`, a parameter value `10`).
    static func text(_ node: Node?) -> String? {
        guard let node, let scalar = node.scalar, tag(node) != .null else { return nil }
        return scalar.string
    }

    static func bool(_ node: Node?) -> Bool? {
        guard let node, let scalar = node.scalar, tag(node) == .bool else { return nil }
        return Bool.construct(from: scalar)
    }

    static func int(_ node: Node?) -> Int? {
        guard let node, let scalar = node.scalar, tag(node) == .int else { return nil }
        return Int.construct(from: scalar)
    }

    /// A list of scalars as text; nil when the node is not a sequence or holds a collection.
    static func texts(_ node: Node?) -> [String]? {
        guard let items = node?.sequence else { return nil }
        let texts = items.compactMap { text($0) }
        return texts.count == items.count ? texts : nil
    }

    /// The key of a mapping entry as text (keys are scalars in every file LAVA reads).
    static func key(_ node: Node) -> String {
        node.scalar?.string ?? "\(node)"
    }
}
