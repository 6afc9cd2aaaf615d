import Foundation

/// Python's operators on values, as a template's expressions use them.
enum ValueOperations {
    /// Number view of bool, int and float (Python's bool is an int).
    enum Number {
        case int(Int)
        case double(Double)

        init?(_ value: Value) {
            switch value {
            case .bool(let b): self = .int(b ? 1 : 0)
            case .int(let i): self = .int(i)
            case .double(let d): self = .double(d)
            default: return nil
            }
        }

        var double: Double {
            switch self {
            case .int(let i): Double(i)
            case .double(let d): d
            }
        }

        var value: Value {
            switch self {
            case .int(let i): .int(i)
            case .double(let d): .double(d)
            }
        }
    }

    static func failUndefined(_ value: Value) -> RenderFailure? {
        if case .undefined(let reason) = value { return RenderFailure(reason) }
        return nil
    }

    /// Python's `==`.
    static func equal(_ a: Value, _ b: Value, budget: RenderBudget) throws(RenderFailure) -> Bool {
        try budget.step()
        switch (a, b) {
        case (.undefined, .undefined): return true
        case (.undefined, _), (_, .undefined): return false
        case (.none, .none): return true
        case (.string(let x), .string(let y)): return x.unicodeScalars.elementsEqual(y.unicodeScalars)
        case (.list(let x), .list(let y)), (.tuple(let x), .tuple(let y)):
            guard x.count == y.count else { return false }
            for (p, q) in zip(x, y) where !(try equal(p, q, budget: budget)) { return false }
            return true
        case (.view(.keys, let x), .view(.keys, let y)):
            // Key views compare as sets; value views only by identity, so never here.
            return x.count == y.count && x.keys.allSatisfy { y.value(for: $0) != nil }
        case (.dict(let x), .dict(let y)), (.view(.items, let x), .view(.items, let y)):
            guard x.count == y.count else { return false }
            for (key, value) in x.pairs {
                guard let other = y.value(for: key), try equal(value, other, budget: budget) else { return false }
            }
            return true
        default:
            guard let x = Number(a), let y = Number(b) else { return false }
            switch (x, y) {
            case (.int(let i), .int(let j)): return i == j
            case (.double(let d), .double(let e)): return d == e
            case (.int(let i), .double(let d)), (.double(let d), .int(let i)):
                guard let exact = Int(exactly: d) else { return false }
                return exact == i
            }
        }
    }

    /// Python's `<`, `<=`, `>`, `>=` (numbers, strings by code point, lists and tuples in order).
    static func compare(_ op: CompareOperator, _ a: Value, _ b: Value, budget: RenderBudget) throws(RenderFailure) -> Bool {
        if let failure = failUndefined(a) ?? failUndefined(b) { throw failure }
        guard let order = try ordering(a, b, op: op, budget: budget) else { return false }
        switch op {
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        case .greater: return order > 0
        case .greaterOrEqual: return order >= 0
        default: return false
        }
    }

    /// -1, 0 or 1; nil when the values are unordered (NaN).
    private static func ordering(_ a: Value, _ b: Value, op: CompareOperator, budget: RenderBudget) throws(RenderFailure) -> Int? {
        try budget.step()
        switch (a, b) {
        case (.string(let x), .string(let y)):
            if x.unicodeScalars.elementsEqual(y.unicodeScalars) { return 0 }
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) ? -1 : 1
        case (.list(let x), .list(let y)), (.tuple(let x), .tuple(let y)):
            for (p, q) in zip(x, y) where !(try equal(p, q, budget: budget)) {
                return try ordering(p, q, op: op, budget: budget)
            }
            return x.count == y.count ? 0 : x.count < y.count ? -1 : 1
        default:
            if let x = Number(a), let y = Number(b) {
                if case .int(let i) = x, case .int(let j) = y { return i == j ? 0 : i < j ? -1 : 1 }
                let d = x.double, e = y.double
                if d.isNaN || e.isNaN { return nil }
                return d == e ? 0 : d < e ? -1 : 1
            }
            if case .undefined(let reason) = a { throw RenderFailure(reason) }
            if case .undefined(let reason) = b { throw RenderFailure(reason) }
            throw RenderFailure("'\(op.rawValue)' not supported between instances of '\(a.typeName)' and '\(b.typeName)'")
        }
    }

    /// Python's `needle in haystack`.
    static func contains(_ haystack: Value, _ needle: Value, budget: RenderBudget) throws(RenderFailure) -> Bool {
        switch haystack {
        case .string(let text):
            guard case .string(let part) = needle else {
                throw RenderFailure("'in <string>' requires string as left operand, not \(needle.typeName)")
            }
            return containsScalars(text, part)
        case .dict(let dict):
            _ = try HashKey(needle)
            return dict.value(for: needle) != nil
        default:
            for item in try iterate(haystack, budget: budget) where try equal(item, needle, budget: budget) { return true }
            return false
        }
    }

    static func containsScalars(_ text: String, _ part: String) -> Bool {
        let a = Array(text.unicodeScalars), b = Array(part.unicodeScalars)
        guard !b.isEmpty else { return true }
        guard a.count >= b.count else { return false }
        for start in 0...(a.count - b.count) where a[start..<start + b.count].elementsEqual(b) { return true }
        return false
    }

    /// What `for` walks and `in` searches: items, characters, keys; nothing for undefined.
    static func iterate(_ value: Value, budget: RenderBudget) throws(RenderFailure) -> [Value] {
        let items: [Value]
        switch value {
        case .undefined: items = []
        case .list(let list), .tuple(let list): items = list
        case .string(let s): items = s.unicodeScalars.map { .string(String($0)) }
        case .dict(let dict): items = dict.keys
        case .view(.keys, let dict): items = dict.keys
        case .view(.values, let dict): items = dict.values
        case .view(.items, let dict): items = dict.pairs.map { .tuple([$0, $1]) }
        case .loop(let loop): items = loop.items
        default: throw RenderFailure("'\(value.typeName)' object is not iterable")
        }
        try budget.step(1 + items.count / 16)
        return items
    }

    static func length(_ value: Value) throws(RenderFailure) -> Int {
        switch value {
        case .undefined: 0
        case .string(let s): s.unicodeScalars.count
        case .list(let items), .tuple(let items): items.count
        case .dict(let dict), .view(_, let dict): dict.count
        case .loop(let loop): loop.items.count
        default: throw RenderFailure("object of type '\(value.typeName)' has no len()")
        }
    }

    static func binary(_ op: BinaryOperator, _ a: Value, _ b: Value, budget: RenderBudget) throws(RenderFailure) -> Value {
        if op == .concat {
            let text = try PythonText.str(a, budget: budget) + PythonText.str(b, budget: budget)
            try budget.checkString(text.utf8.count)
            try budget.step(text.utf8.count / 256)
            return .string(text)
        }
        if let failure = failUndefined(a) ?? failUndefined(b) { throw failure }
        if let x = Number(a), let y = Number(b) { return try arithmetic(op, x, y) }
        switch (op, a, b) {
        case (.add, .string(let x), .string(let y)):
            try budget.checkString(x.utf8.count + y.utf8.count)
            try budget.step((x.utf8.count + y.utf8.count) / 256)
            return .string(x + y)
        case (.add, .list(let x), .list(let y)):
            try budget.checkCount(x.count + y.count)
            return .list(x + y)
        case (.add, .tuple(let x), .tuple(let y)):
            try budget.checkCount(x.count + y.count)
            return .tuple(x + y)
        case (.multiply, .string, _), (.multiply, .list, _), (.multiply, .tuple, _):
            return try repeated(a, b, budget: budget)
        case (.multiply, _, .string), (.multiply, _, .list), (.multiply, _, .tuple):
            return try repeated(b, a, budget: budget)
        case (.modulo, .string, _):
            throw RenderFailure("'%' string formatting is not supported (use '~' or the replace filter)")
        default:
            throw RenderFailure("unsupported operand type(s) for \(op.rawValue): '\(a.typeName)' and '\(b.typeName)'")
        }
    }

    private static func repeated(_ sequence: Value, _ times: Value, budget: RenderBudget) throws(RenderFailure) -> Value {
        guard let number = Number(times), case .int(let count) = number else {
            throw RenderFailure("can't multiply sequence by non-int of type '\(times.typeName)'")
        }
        let n = max(0, count)
        switch sequence {
        case .string(let s):
            let (total, overflow) = s.utf8.count.multipliedReportingOverflow(by: n)
            try budget.checkString(overflow ? Int.max : total)
            try budget.step(total / 256)
            return .string(String(repeating: s, count: n))
        case .list(let items), .tuple(let items):
            let (total, overflow) = items.count.multipliedReportingOverflow(by: n)
            try budget.checkCount(overflow ? Int.max : total)
            let repeatedItems = Array([[Value]](repeating: items, count: n).joined())
            if case .tuple = sequence { return .tuple(repeatedItems) }
            return .list(repeatedItems)
        default:
            throw RenderFailure("can't multiply '\(sequence.typeName)'")
        }
    }

    private static func arithmetic(_ op: BinaryOperator, _ x: Number, _ y: Number) throws(RenderFailure) -> Value {
        if case .int(let i) = x, case .int(let j) = y {
            let overflow = RenderFailure("integer overflow in \(i) \(op.rawValue) \(j)")
            switch op {
            case .add:
                let (r, o) = i.addingReportingOverflow(j)
                if o { throw overflow }
                return .int(r)
            case .subtract:
                let (r, o) = i.subtractingReportingOverflow(j)
                if o { throw overflow }
                return .int(r)
            case .multiply:
                let (r, o) = i.multipliedReportingOverflow(by: j)
                if o { throw overflow }
                return .int(r)
            case .divide:
                guard j != 0 else { throw RenderFailure("division by zero") }
                return .double(Double(i) / Double(j))
            case .floorDivide:
                guard j != 0 else { throw RenderFailure("integer division or modulo by zero") }
                if i == Int.min, j == -1 { throw overflow }
                let q = i / j
                return .int((i % j != 0 && (i < 0) != (j < 0)) ? q - 1 : q)
            case .modulo:
                guard j != 0 else { throw RenderFailure("integer division or modulo by zero") }
                if j == -1 { return .int(0) }
                let r = i % j
                return .int(r != 0 && (r < 0) != (j < 0) ? r + j : r)
            case .power:
                if j < 0 {
                    guard i != 0 else { throw RenderFailure("0.0 cannot be raised to a negative power") }
                    return .double(pow(Double(i), Double(j)))
                }
                var result = 1, base = i, exponent = j
                while exponent > 0 {
                    if exponent & 1 == 1 {
                        let (r, o) = result.multipliedReportingOverflow(by: base)
                        if o { throw overflow }
                        result = r
                    }
                    exponent >>= 1
                    if exponent > 0 {
                        let (b, o) = base.multipliedReportingOverflow(by: base)
                        if o { throw overflow }
                        base = b
                    }
                }
                return .int(result)
            case .concat:
                return .none
            }
        }
        let d = x.double, e = y.double
        switch op {
        case .add: return .double(d + e)
        case .subtract: return .double(d - e)
        case .multiply: return .double(d * e)
        case .divide:
            guard e != 0 else { throw RenderFailure("float division by zero") }
            return .double(d / e)
        case .floorDivide:
            guard e != 0 else { throw RenderFailure("float floor division by zero") }
            return .double(floorDivide(d, e))
        case .modulo:
            guard e != 0 else { throw RenderFailure("float modulo") }
            return .double(pythonModulo(d, e))
        case .power:
            if d == 0, e < 0 { throw RenderFailure("0.0 cannot be raised to a negative power") }
            if d < 0, e.rounded() != e { throw RenderFailure("a negative number cannot be raised to a fractional power") }
            return .double(pow(d, e))
        case .concat:
            return .none
        }
    }

    private static func pythonModulo(_ d: Double, _ e: Double) -> Double {
        var r = d.truncatingRemainder(dividingBy: e)
        if r != 0, (r < 0) != (e < 0) { r += e }
        return r == 0 ? (e < 0 ? -0.0 : 0.0) : r
    }

    private static func floorDivide(_ d: Double, _ e: Double) -> Double {
        let r = pythonModulo(d, e)
        return ((d - r) / e).rounded()
    }
}
