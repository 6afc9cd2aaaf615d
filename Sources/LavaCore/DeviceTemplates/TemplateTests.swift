/// The tests of `x is NAME` this subset knows, with Jinja2's meaning.
enum TemplateTests {
    static let names: Set<String> = [
        "defined", "undefined", "none", "string", "number", "mapping", "sequence", "iterable", "boolean", "integer", "float", "true", "false",
    ]

    static func apply(_ name: String, to value: Value) -> Bool {
        switch (name, value) {
        case ("defined", _): !value.isUndefined
        case ("undefined", _): value.isUndefined
        case ("none", .none): true
        case ("string", .string): true
        case ("number", .bool), ("number", .int), ("number", .double): true
        case ("mapping", .dict): true
        case ("sequence", .string), ("sequence", .list), ("sequence", .tuple), ("sequence", .dict), ("sequence", .undefined): true
        case ("iterable", .string), ("iterable", .list), ("iterable", .tuple), ("iterable", .dict), ("iterable", .view),
             ("iterable", .undefined), ("iterable", .loop): true
        case ("boolean", .bool), ("integer", .int), ("float", .double): true
        case ("true", .bool(let b)): b
        case ("false", .bool(let b)): !b
        default: false
        }
    }
}
