/// A value while a template renders: `TemplateValue`'s data plus what only exists inside a
/// render (Jinja2's undefined, tuples, dict views, methods, the loop and block references).
indirect enum Value {
    /// A name or key with no value; `reason` is Jinja2's message when it is used.
    case undefined(reason: String)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    case tuple([Value])
    case dict(ValueDict)
    /// `d.items()`, `d.keys()`, `d.values()`: Python prints them with their type's name.
    case view(DictViewKind, ValueDict)
    case callable(Callable)
    case loop(LoopState)
    /// `self`, whose attributes are the template's blocks.
    case blocks

    init(_ value: TemplateValue) {
        switch value {
        case .none: self = .none
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .list(let items): self = .list(items.map(Value.init))
        case .dictionary(let pairs):
            var dict = ValueDict()
            for pair in pairs {
                // A key Python could not hash (a list) has no place in a dict: it is dropped.
                try? dict.set(Value(pair.key), Value(pair.value))
            }
            self = .dict(dict)
        }
    }

    static func undefinedName(_ name: String) -> Value { .undefined(reason: "'\(name)' is undefined") }

    var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }

    /// Python's truth value.
    var isTruthy: Bool {
        switch self {
        case .undefined, .none: false
        case .bool(let b): b
        case .int(let i): i != 0
        case .double(let d): d != 0
        case .string(let s): !s.isEmpty
        case .list(let items), .tuple(let items): !items.isEmpty
        case .dict(let dict), .view(_, let dict): dict.count > 0
        case .callable, .loop, .blocks: true
        }
    }

    /// Python's type name, for error messages.
    var typeName: String {
        switch self {
        case .undefined: "Undefined"
        case .none: "NoneType"
        case .bool: "bool"
        case .int: "int"
        case .double: "float"
        case .string: "str"
        case .list: "list"
        case .tuple: "tuple"
        case .dict: "dict"
        case .view(let kind, _): kind.typeName
        case .callable: "function"
        case .loop: "LoopContext"
        case .blocks: "TemplateReference"
        }
    }
}

enum DictViewKind {
    case items, keys, values

    var typeName: String {
        switch self {
        case .items: "dict_items"
        case .keys: "dict_keys"
        case .values: "dict_values"
        }
    }
}

/// Something a template can call.
enum Callable {
    /// `dict.get`, `dict.items`, ... bound to their dictionary.
    case dictMethod(String, ValueDict)
    /// A block of the render, by name and position in the chain of overrides.
    case block(name: String, index: Int)
    /// One of Python's methods or Jinja2's global functions that this subset leaves out.
    case unsupported(String)
}

/// `loop` inside a for body.
struct LoopState {
    let index0: Int
    let items: [Value]
}

/// How Python hashes a key: 1, 1.0 and True are the same key.
enum HashKey: Hashable {
    case none
    case integer(Int)
    case double(UInt64)
    /// By code point, as Python compares strings (Swift's String equality is canonical equivalence).
    case string([Unicode.Scalar])
    case tuple([HashKey])

    init(_ value: Value) throws(RenderFailure) {
        switch value {
        case .none: self = .none
        case .bool(let b): self = .integer(b ? 1 : 0)
        case .int(let i): self = .integer(i)
        case .double(let d):
            if d.rounded() == d, let i = Int(exactly: d) {
                self = .integer(i)
            } else {
                self = .double(d.isNaN ? Double.nan.bitPattern : d.bitPattern)
            }
        case .string(let s): self = .string(Array(s.unicodeScalars))
        case .tuple(let items):
            var keys: [HashKey] = []
            for item in items { keys.append(try HashKey(item)) }
            self = .tuple(keys)
        default:
            throw RenderFailure("unhashable type: '\(value.typeName)'")
        }
    }
}

/// Python's dict: insertion order, keys compared as Python compares them.
struct ValueDict {
    private(set) var keys: [Value] = []
    private(set) var values: [Value] = []
    private var index: [HashKey: Int] = [:]

    var count: Int { keys.count }

    func value(for key: Value) -> Value? {
        guard let hash = try? HashKey(key), let position = index[hash] else { return nil }
        return values[position]
    }

    /// Sets `key`; a key already present keeps its place.
    mutating func set(_ key: Value, _ value: Value) throws(RenderFailure) {
        let hash = try HashKey(key)
        if let position = index[hash] {
            values[position] = value
        } else {
            index[hash] = keys.count
            keys.append(key)
            values.append(value)
        }
    }

    var pairs: Zip2Sequence<[Value], [Value]> { zip(keys, values) }
}
