/// The filters LAVA's templates use, with Jinja2 3.x's arguments; any other is refused when the
/// template is parsed.
enum TemplateFilters {
    static let names: Set<String> = ["default", "d", "join", "indent", "replace", "string", "lower", "upper", "length", "count", "int", "list", "trim"]

    /// Each filter's parameters after the value, in order.
    private static let parameters: [String: [String]] = [
        "default": ["default_value", "boolean"], "d": ["default_value", "boolean"],
        "join": ["d", "attribute"], "indent": ["width", "first", "blank"], "replace": ["old", "new", "count"],
        "string": [], "lower": [], "upper": [], "length": [], "count": [], "int": ["default", "base"], "list": [],
        "trim": ["chars"],
    ]

    /// Python's binding of positional and keyword arguments to `parameters`.
    private static func bind(_ name: String, _ positional: [Value], _ keywords: [(name: String, value: Value)]) throws(RenderFailure) -> [Value?] {
        let names = parameters[name] ?? []
        guard positional.count <= names.count else {
            throw RenderFailure("the filter '\(name)' takes at most \(names.count) arguments (\(positional.count) given)")
        }
        var bound: [Value?] = positional.map { $0 } + Array(repeating: nil, count: names.count - positional.count)
        for keyword in keywords {
            guard let index = names.firstIndex(of: keyword.name) else {
                throw RenderFailure("the filter '\(name)' got an unexpected keyword argument '\(keyword.name)'")
            }
            guard bound[index] == nil else { throw RenderFailure("the filter '\(name)' got multiple values for argument '\(keyword.name)'") }
            bound[index] = keyword.value
        }
        return bound
    }

    static func apply(_ name: String, to value: Value, positional: [Value], keywords: [(name: String, value: Value)], budget: RenderBudget) throws(RenderFailure) -> Value {
        let arguments = try bind(name, positional, keywords)
        func argument(_ index: Int) -> Value? { index < arguments.count ? arguments[index] : nil }
        func str(_ value: Value) throws(RenderFailure) -> String { try PythonText.str(value, budget: budget) }
        switch name {
        case "default", "d":
            let boolean = argument(1)?.isTruthy ?? false
            if value.isUndefined || (boolean && !value.isTruthy) { return argument(0) ?? .string("") }
            return value
        case "join":
            if argument(1) != nil { throw RenderFailure("the join filter's attribute argument is not supported") }
            let separator = try str(argument(0) ?? .string(""))
            var parts: [String] = []
            for item in try ValueOperations.iterate(value, budget: budget) { parts.append(try str(item)) }
            return try checked(parts.joined(separator: separator), budget)
        case "indent":
            return try indent(value, width: argument(0) ?? .int(4), first: argument(1)?.isTruthy ?? false, blank: argument(2)?.isTruthy ?? false, budget: budget)
        case "replace":
            guard let old = argument(0), let new = argument(1) else { throw RenderFailure("the replace filter needs the old and the new text") }
            var limit = -1
            if let count = argument(2), !(count.isNoneValue) {
                guard case .int(let n)? = ValueOperations.Number(count) else { throw RenderFailure("the replace filter's count must be an integer") }
                limit = n
            }
            return try checked(replace(try str(value), try str(old), try str(new), limit: limit, budget: budget), budget)
        case "string":
            return .string(try str(value))
        case "lower":
            return .string(try str(value).lowercased())
        case "upper":
            return try checked(try str(value).uppercased(), budget)
        case "length", "count":
            return .int(try ValueOperations.length(value))
        case "int":
            if let base = argument(1), !(try ValueOperations.equal(base, .int(10), budget: budget)) {
                throw RenderFailure("the int filter's base argument is not supported")
            }
            return try integer(value, default: argument(0) ?? .int(0))
        case "list":
            return .list(try ValueOperations.iterate(value, budget: budget))
        case "trim":
            if let chars = argument(0), !chars.isNoneValue { throw RenderFailure("the trim filter's chars argument is not supported") }
            return .string(PythonText.strip(try str(value)))
        default:
            throw RenderFailure("unsupported filter '\(name)'")
        }
    }

    private static func checked(_ text: String, _ budget: RenderBudget) throws(RenderFailure) -> Value {
        try budget.checkString(text.utf8.count)
        try budget.step(text.utf8.count / 256)
        return .string(text)
    }

    /// Jinja2 3.x's indent: every line but the first (and blank lines only with `blank`) gets the
    /// indentation; a width that is a string is the indentation itself.
    private static func indent(_ value: Value, width: Value, first: Bool, blank: Bool, budget: RenderBudget) throws(RenderFailure) -> Value {
        if case .undefined(let reason) = value { throw RenderFailure(reason) }
        guard case .string(let text) = value else { throw RenderFailure("the indent filter needs a string, not \(value.typeName)") }
        let indentation: String
        switch width {
        case .string(let s): indentation = s
        case .int, .bool:
            guard case .int(let n)? = ValueOperations.Number(width) else { throw RenderFailure("bad indent width") }
            guard n <= budget.limits.maxOutputBytes else { throw RenderFailure("the indent width \(n) is too large") }
            indentation = String(repeating: " ", count: max(0, n))
        default:
            throw RenderFailure("the indent width must be a number or a string, not \(width.typeName)")
        }
        var lines = PythonText.splitLines(text + "\n")
        try budget.step(lines.count)
        var result: String
        if blank {
            result = lines.joined(separator: "\n" + indentation)
        } else {
            result = lines.isEmpty ? "" : lines.removeFirst()
            if !lines.isEmpty {
                result += "\n" + lines.map { $0.isEmpty ? $0 : indentation + $0 }.joined(separator: "\n")
            }
        }
        if first { result = indentation + result }
        return try checked(result, budget)
    }

    /// `str.replace(old, new, count)` by code points (an empty `old` matches between characters).
    private static func replace(_ text: String, _ old: String, _ new: String, limit: Int, budget: RenderBudget) throws(RenderFailure) -> String {
        let scalars = Array(text.unicodeScalars), pattern = Array(old.unicodeScalars)
        var out = String.UnicodeScalarView()
        var remaining = limit < 0 ? Int.max : limit
        var i = 0
        if pattern.isEmpty {
            for scalar in scalars {
                if remaining > 0 {
                    out.append(contentsOf: new.unicodeScalars)
                    remaining -= 1
                }
                out.append(scalar)
                try budget.checkString(out.count)
            }
            if remaining > 0 { out.append(contentsOf: new.unicodeScalars) }
            return String(out)
        }
        while i < scalars.count {
            if remaining > 0, i + pattern.count <= scalars.count, scalars[i..<i + pattern.count].elementsEqual(pattern) {
                out.append(contentsOf: new.unicodeScalars)
                remaining -= 1
                i += pattern.count
                try budget.checkString(out.count)
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return String(out)
    }

    /// Jinja2's int filter: an integer from a number or from text (`"42"`, `" 4_2 "`, or as a
    /// float, `"42.5"`), else `default`.
    private static func integer(_ value: Value, default fallback: Value) throws(RenderFailure) -> Value {
        switch value {
        case .undefined(let reason): throw RenderFailure(reason)
        case .bool(let b): return .int(b ? 1 : 0)
        case .int: return value
        case .double(let d):
            if d.isNaN { return fallback }
            guard let i = Int(exactly: d.rounded(.towardZero)) else { throw RenderFailure("cannot convert float \(PythonText.float(d)) to integer") }
            return .int(i)
        case .string(let s):
            let text = PythonText.strip(s)
            if let i = pythonInteger(text) { return .int(i) }
            if let d = pythonFloat(text) {
                if d.isNaN { return fallback }
                guard let i = Int(exactly: d.rounded(.towardZero)) else { throw RenderFailure("cannot convert float \(PythonText.float(d)) to integer") }
                return .int(i)
            }
            return fallback
        default:
            return fallback
        }
    }

    /// Python's `int(text)`: a sign, then digits with single underscores between them.
    private static func pythonInteger(_ text: String) -> Int? {
        var body = Substring(text)
        var sign = ""
        if let c = body.first, c == "+" || c == "-" {
            sign = c == "-" ? "-" : ""
            body = body.dropFirst()
        }
        guard let first = body.first, first.isASCII, first.isNumber, let last = body.last, last.isASCII, last.isNumber,
              !body.contains("__"), body.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "_" }) else { return nil }
        return Int(sign + body.filter { $0 != "_" })
    }

    /// Python's `float(text)` for decimal text, `inf` and `nan`.
    private static func pythonFloat(_ text: String) -> Double? {
        let lower = text.lowercased()
        var body = Substring(lower)
        var negative = false
        if let c = body.first, c == "+" || c == "-" {
            negative = c == "-"
            body = body.dropFirst()
        }
        if body == "inf" || body == "infinity" { return negative ? -.infinity : .infinity }
        if body == "nan" { return .nan }
        guard !body.isEmpty, body.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "." || $0 == "e" || $0 == "+" || $0 == "-" || $0 == "_" }),
              !body.contains("__"), body.first != "_", body.last != "_" else { return nil }
        guard let d = Double(String(body.filter { $0 != "_" })) else { return nil }
        return negative ? -d : d
    }
}

extension Value {
    var isNoneValue: Bool {
        if case .none = self { return true }
        return false
    }
}

extension TemplateRender {
    func applyFilter(_ filter: FilterCall, to value: Value, in frame: Frame) throws(RenderFailure) -> Value {
        var positional: [Value] = []
        for expr in filter.arguments.positional { positional.append(try evaluate(expr, in: frame)) }
        var keywords: [(name: String, value: Value)] = []
        for keyword in filter.arguments.keywords { keywords.append((keyword.name, try evaluate(keyword.value, in: frame))) }
        return try TemplateFilters.apply(filter.name, to: value, positional: positional, keywords: keywords, budget: budget)
    }
}
