/// Evaluates expressions with Jinja2's sandboxed attribute rules: `a.b` is a method or else the
/// key `b`, `a[b]` the key or else the method; a missing key is undefined, and using an
/// undefined value for anything but printing, testing or iterating is an error.
extension TemplateRender {
    func evaluate(_ expr: Expr, in frame: Frame) throws(RenderFailure) -> Value {
        try budget.step()
        switch expr {
        case .literal(let value):
            return value
        case .name(let name):
            return lookup(name, in: frame)
        case .list(let items):
            return .list(try collection(items, in: frame))
        case .tuple(let items):
            return .tuple(try collection(items, in: frame))
        case .dict(let pairs):
            return try dictionary(pairs, in: frame)
        case .attribute(let base, let name):
            return try attribute(of: try evaluate(base, in: frame), name)
        case .item(let base, let key):
            return try item(of: try evaluate(base, in: frame), try evaluate(key, in: frame))
        case .call(let callee, let arguments):
            return try call(callee, arguments, in: frame)
        case .filter(let base, let filter):
            return try applyFilter(filter, to: try evaluate(base, in: frame), in: frame)
        case .test(let base, let name, let negated):
            let result = TemplateTests.apply(name, to: try evaluate(base, in: frame))
            return .bool(result != negated)
        case .not(let operand):
            return .bool(!(try evaluate(operand, in: frame).isTruthy))
        case .negate(let operand):
            return try negate(try evaluate(operand, in: frame))
        case .plus(let operand):
            return try plus(try evaluate(operand, in: frame))
        case .binary(let op, let left, let right):
            return try ValueOperations.binary(op, try evaluate(left, in: frame), try evaluate(right, in: frame), budget: budget)
        case .and(let left, let right):
            let value = try evaluate(left, in: frame)
            return value.isTruthy ? try evaluate(right, in: frame) : value
        case .or(let left, let right):
            let value = try evaluate(left, in: frame)
            return value.isTruthy ? value : try evaluate(right, in: frame)
        case .compare(let first, let operations):
            return try compare(first, operations, in: frame)
        case .conditional(let then, let test, let otherwise):
            if try evaluate(test, in: frame).isTruthy { return try evaluate(then, in: frame) }
            guard let otherwise else {
                return .undefined(reason: "the inline if-expression evaluated to false and no else section was defined.")
            }
            return try evaluate(otherwise, in: frame)
        }
    }

    // The cases of `evaluate` that need locals live in functions of their own, so that the
    // recursive `evaluate` keeps a small stack frame.

    private func dictionary(_ pairs: [DictEntry], in frame: Frame) throws(RenderFailure) -> Value {
        try budget.checkCount(pairs.count)
        var dict = ValueDict()
        for pair in pairs {
            let key = try nestedValue(pair.key, in: frame)
            try dict.set(key, try nestedValue(pair.value, in: frame))
        }
        return .dict(dict)
    }

    private func call(_ callee: Expr, _ arguments: Arguments, in frame: Frame) throws(RenderFailure) -> Value {
        let function = try evaluate(callee, in: frame)
        var positional: [Value] = []
        for expr in arguments.positional { positional.append(try evaluate(expr, in: frame)) }
        guard arguments.keywords.isEmpty else { throw RenderFailure("keyword arguments are only supported for filters") }
        return try call(function, positional)
    }

    private func negate(_ value: Value) throws(RenderFailure) -> Value {
        if let failure = ValueOperations.failUndefined(value) { throw failure }
        switch ValueOperations.Number(value) {
        case .int(let i)?:
            guard i != Int.min else { throw RenderFailure("integer overflow in -(\(i))") }
            return .int(-i)
        case .double(let d)?: return .double(-d)
        case nil: throw RenderFailure("bad operand type for unary -: '\(value.typeName)'")
        }
    }

    private func plus(_ value: Value) throws(RenderFailure) -> Value {
        if let failure = ValueOperations.failUndefined(value) { throw failure }
        guard let number = ValueOperations.Number(value) else { throw RenderFailure("bad operand type for unary +: '\(value.typeName)'") }
        return number.value
    }

    /// Python's chained comparison: `a < b < c` is `a < b and b < c`, each operand evaluated once.
    private func compare(_ first: Expr, _ operations: [Comparison], in frame: Frame) throws(RenderFailure) -> Value {
        var left = try evaluate(first, in: frame)
        for comparison in operations {
            let right = try evaluate(comparison.operand, in: frame)
            let holds: Bool = switch comparison.op {
            case .equal: try ValueOperations.equal(left, right, budget: budget)
            case .notEqual: !(try ValueOperations.equal(left, right, budget: budget))
            case .contains: try ValueOperations.contains(right, left, budget: budget)
            case .notContains: !(try ValueOperations.contains(right, left, budget: budget))
            default: try ValueOperations.compare(comparison.op, left, right, budget: budget)
            }
            guard holds else { return .bool(false) }
            left = right
        }
        return .bool(true)
    }

    private func collection(_ items: [Expr], in frame: Frame) throws(RenderFailure) -> [Value] {
        try budget.checkCount(items.count)
        var values: [Value] = []
        for item in items { values.append(try nestedValue(item, in: frame)) }
        return values
    }

    /// An element of a new list, tuple or dict: values nest no deeper than statements may, so
    /// printing, comparing and freeing them cannot exhaust the stack.
    private func nestedValue(_ expr: Expr, in frame: Frame) throws(RenderFailure) -> Value {
        let value = try evaluate(expr, in: frame)
        try checkDepth(value, remaining: budget.limits.maxNesting)
        return value
    }

    private func checkDepth(_ value: Value, remaining: Int) throws(RenderFailure) {
        let children: [Value]
        switch value {
        case .list(let items), .tuple(let items): children = items
        case .dict(let dict), .view(_, let dict): children = dict.values + dict.keys
        default: return
        }
        guard remaining > 1 else { throw RenderFailure("the template nests lists or dictionaries deeper than \(budget.limits.maxNesting) levels") }
        try budget.step()
        for child in children { try checkDepth(child, remaining: remaining - 1) }
    }

    private static let dictMethods: Set<String> = ["get", "items", "keys", "values"]
    private static let otherDictMethods: Set<String> = ["clear", "copy", "fromkeys", "pop", "popitem", "setdefault", "update"]
    private static let stringMethods: Set<String> = [
        "capitalize", "casefold", "center", "count", "encode", "endswith", "expandtabs", "find", "format", "format_map",
        "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric",
        "isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip", "maketrans", "partition",
        "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit", "rstrip", "split",
        "splitlines", "startswith", "strip", "swapcase", "title", "translate", "upper", "zfill",
    ]
    private static let listMethods: Set<String> = ["append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove", "reverse", "sort"]

    /// Jinja2's name for an object in its undefined messages.
    private static func objectName(_ value: Value) -> String {
        switch value {
        case .none: "None"
        case .blocks: "jinja2.runtime.TemplateReference object"
        default: "\(value.typeName) object"
        }
    }

    /// `value.name`.
    func attribute(of value: Value, _ name: String) throws(RenderFailure) -> Value {
        if case .undefined(let reason) = value { throw RenderFailure(reason) }
        let missing = Value.undefined(reason: "'\(Self.objectName(value))' has no attribute '\(name)'")
        if name.hasPrefix("_") { return missing }
        switch value {
        case .dict(let dict):
            if Self.dictMethods.contains(name) { return .callable(.dictMethod(name, dict)) }
            if Self.otherDictMethods.contains(name) { return .callable(.unsupported("dict.\(name)()")) }
            return dict.value(for: .string(name)) ?? missing
        case .string:
            return Self.stringMethods.contains(name) ? .callable(.unsupported("str.\(name)()")) : missing
        case .list:
            return Self.listMethods.contains(name) ? .callable(.unsupported("list.\(name)()")) : missing
        case .tuple:
            return name == "count" || name == "index" ? .callable(.unsupported("tuple.\(name)()")) : missing
        case .loop(let loop):
            return loopAttribute(loop, name) ?? missing
        case .blocks:
            return blocks[name] != nil ? .callable(.block(name: name, index: 0)) : missing
        default:
            return missing
        }
    }

    private func loopAttribute(_ loop: LoopState, _ name: String) -> Value? {
        let length = loop.items.count
        switch name {
        case "index": return .int(loop.index0 + 1)
        case "index0": return .int(loop.index0)
        case "revindex": return .int(length - loop.index0)
        case "revindex0": return .int(length - loop.index0 - 1)
        case "first": return .bool(loop.index0 == 0)
        case "last": return .bool(loop.index0 == length - 1)
        case "length": return .int(length)
        case "depth": return .int(1)
        case "depth0": return .int(0)
        case "previtem":
            return loop.index0 > 0 ? loop.items[loop.index0 - 1] : .undefined(reason: "there is no previous item")
        case "nextitem":
            return loop.index0 + 1 < length ? loop.items[loop.index0 + 1] : .undefined(reason: "there is no next item")
        case "cycle", "changed": return .callable(.unsupported("loop.\(name)()"))
        default: return nil
        }
    }

    /// `value[key]`.
    func item(of value: Value, _ key: Value) throws(RenderFailure) -> Value {
        if case .undefined(let reason) = value { throw RenderFailure(reason) }
        switch (value, key) {
        case (.dict(let dict), _):
            if let found = dict.value(for: key) { return found }
        case (.list(let items), _), (.tuple(let items), _):
            if let index = Self.index(key, count: items.count) { return items[index] }
        case (.string(let text), _):
            let scalars = Array(text.unicodeScalars)
            if let index = Self.index(key, count: scalars.count) { return .string(String(scalars[index])) }
        default:
            break
        }
        if case .string(let name) = key { return try attribute(of: value, name) }
        let element = (try? PythonText.str(key, budget: budget)) ?? "?"
        return .undefined(reason: "'\(Self.objectName(value))' has no element \(element)")
    }

    private static func index(_ key: Value, count: Int) -> Int? {
        let raw: Int
        switch key {
        case .int(let i): raw = i
        case .bool(let b): raw = b ? 1 : 0
        default: return nil
        }
        let index = raw < 0 ? raw + count : raw
        return index >= 0 && index < count ? index : nil
    }

    func call(_ function: Value, _ arguments: [Value]) throws(RenderFailure) -> Value {
        switch function {
        case .undefined(let reason):
            throw RenderFailure(reason)
        case .callable(.dictMethod(let name, let dict)):
            switch name {
            case "get":
                guard arguments.count == 1 || arguments.count == 2 else {
                    throw RenderFailure("get expected 1 or 2 arguments, got \(arguments.count)")
                }
                _ = try HashKey(arguments[0])
                return dict.value(for: arguments[0]) ?? (arguments.count == 2 ? arguments[1] : .none)
            default:
                guard arguments.isEmpty else { throw RenderFailure("dict.\(name)() takes no arguments (\(arguments.count) given)") }
                let kind: DictViewKind = name == "items" ? .items : name == "keys" ? .keys : .values
                return .view(kind, dict)
            }
        case .callable(.block(let name, let index)):
            guard arguments.isEmpty else { throw RenderFailure("a block is called without arguments") }
            return .string(try renderBlock(name, index: index))
        case .callable(.unsupported(let what)):
            throw RenderFailure("\(what) is not supported in device templates")
        default:
            throw RenderFailure("'\(function.typeName)' object is not callable")
        }
    }
}
