/// Jinja2's expression grammar, loosest binding first: `a if c else b`, `or`, `and`, `not`,
/// comparisons, `+ -`, `~`, `* / // %`, `**`, unary `- +`, then primaries with `.attr`, `[key]`,
/// calls, `| filter` and `is test`.
extension TemplateParser {
    /// Expressions separated by commas (a tuple when there is a comma), up to the end of the tag.
    mutating func parseTuple(withConditional: Bool, explicitParentheses: Bool = false) throws(TemplateError) -> Expr {
        var items: [Expr] = []
        var isTuple = false
        while true {
            if !items.isEmpty {
                try expect(.op(","), "','")
            }
            if current.kind == .blockEnd || current.kind == .variableEnd || isOp(")") {
                break
            }
            items.append(withConditional ? try parseExpression() : try parseOr())
            if isOp(",") { isTuple = true } else { break }
        }
        if !isTuple {
            if let only = items.first { return only }
            if !explicitParentheses { throw fail("expected an expression, got \(describe(current.kind))") }
        }
        return .tuple(items)
    }

    mutating func parseExpression() throws(TemplateError) -> Expr {
        try enter()
        defer { leave() }
        var expr = try parseOr()
        while isName("if") {
            next()
            let test = try parseOr()
            var otherwise: Expr?
            if isName("else") {
                next()
                otherwise = try parseExpression()
            }
            expr = .conditional(then: expr, test: test, otherwise: otherwise)
        }
        return expr
    }

    mutating func parseOr() throws(TemplateError) -> Expr {
        try parseLogical("or", combine: Expr.or) { (parser: inout TemplateParser) throws(TemplateError) in try parser.parseAnd() }
    }

    mutating func parseAnd() throws(TemplateError) -> Expr {
        try parseLogical("and", combine: Expr.and) { (parser: inout TemplateParser) throws(TemplateError) in try parser.parseNot() }
    }

    /// `operand (keyword operand)*`, left-associative.
    mutating func parseLogical(_ keyword: String, combine: (Expr, Expr) -> Expr,
                               operand: (inout TemplateParser) throws(TemplateError) -> Expr) throws(TemplateError) -> Expr {
        var expr = try operand(&self)
        var chain = 0
        defer { leave(chain) }
        while isName(keyword) {
            next()
            try enter()
            chain += 1
            expr = combine(expr, try operand(&self))
        }
        return expr
    }

    mutating func parseNot() throws(TemplateError) -> Expr {
        if isName("not") {
            next()
            try enter()
            defer { leave() }
            return .not(try parseNot())
        }
        return try parseCompare()
    }

    mutating func parseCompare() throws(TemplateError) -> Expr {
        let first = try parseMath1()
        var operations: [Comparison] = []
        while true {
            if case .op(let op) = current.kind, let compare = CompareOperator(rawValue: op), compare != .contains, compare != .notContains {
                next()
                operations.append(Comparison(op: compare, operand: try parseMath1()))
            } else if isName("in") {
                next()
                operations.append(Comparison(op: .contains, operand: try parseMath1()))
            } else if isName("not"), isName("in", peek()) {
                next()
                next()
                operations.append(Comparison(op: .notContains, operand: try parseMath1()))
            } else {
                break
            }
        }
        return operations.isEmpty ? first : .compare(first, operations)
    }

    /// A left-associative chain of binary operators over `operand`.
    mutating func parseBinary(_ operators: [BinaryOperator], operand: (inout TemplateParser) throws(TemplateError) -> Expr) throws(TemplateError) -> Expr {
        var expr = try operand(&self)
        var chain = 0
        defer { leave(chain) }
        while case .op(let op) = current.kind, let binary = BinaryOperator(rawValue: op), operators.contains(binary) {
            next()
            try enter()
            chain += 1
            expr = .binary(binary, expr, try operand(&self))
        }
        return expr
    }

    mutating func parseMath1() throws(TemplateError) -> Expr {
        try parseBinary([.add, .subtract]) { (parser: inout TemplateParser) throws(TemplateError) in try parser.parseConcat() }
    }

    mutating func parseConcat() throws(TemplateError) -> Expr {
        try parseBinary([.concat]) { (parser: inout TemplateParser) throws(TemplateError) in try parser.parseMath2() }
    }

    mutating func parseMath2() throws(TemplateError) -> Expr {
        try parseBinary([.multiply, .divide, .floorDivide, .modulo]) { (parser: inout TemplateParser) throws(TemplateError) in try parser.parsePow() }
    }

    mutating func parsePow() throws(TemplateError) -> Expr {
        try parseBinary([.power]) { (parser: inout TemplateParser) throws(TemplateError) in try parser.parseUnary(withFilter: true) }
    }

    mutating func parseUnary(withFilter: Bool) throws(TemplateError) -> Expr {
        var expr: Expr
        if isOp("-") || isOp("+") {
            let negative = isOp("-")
            next()
            try enter()
            defer { leave() }
            let operand = try parseUnary(withFilter: false)
            expr = negative ? .negate(operand) : .plus(operand)
        } else {
            expr = try parsePrimary()
        }
        var chain = 0
        defer { leave(chain) }
        while true {
            if isOp(".") || isOp("[") {
                expr = try parseSubscript(expr)
            } else if isOp("(") {
                expr = .call(expr, try parseCallArguments())
            } else if withFilter, isOp("|") {
                next()
                expr = .filter(expr, try parseFilterCall())
            } else if withFilter, isName("is") {
                expr = try parseTest(expr)
            } else {
                break
            }
            try enter()
            chain += 1
        }
        return expr
    }

    mutating func parsePrimary() throws(TemplateError) -> Expr {
        let token = current
        switch token.kind {
        case .name(let name):
            next()
            switch name {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default: return .name(name)
            }
        case .string(var text):
            next()
            while case .string(let more) = current.kind {
                text += more
                next()
            }
            return .literal(.string(text))
        case .integer(let value):
            next()
            return .literal(.int(value))
        case .float(let value):
            next()
            return .literal(.double(value))
        case .op("("):
            next()
            let expr = try parseTuple(withConditional: true, explicitParentheses: true)
            try expect(.op(")"), "')'")
            return expr
        case .op("["):
            next()
            var items: [Expr] = []
            while !isOp("]") {
                if !items.isEmpty {
                    try expect(.op(","), "','")
                    if isOp("]") { break }
                }
                items.append(try parseExpression())
            }
            next()
            return .list(items)
        case .op("{"):
            next()
            var pairs: [DictEntry] = []
            while !isOp("}") {
                if !pairs.isEmpty {
                    try expect(.op(","), "','")
                    if isOp("}") { break }
                }
                let key = try parseExpression()
                try expect(.op(":"), "':'")
                pairs.append(DictEntry(key: key, value: try parseExpression()))
            }
            next()
            return .dict(pairs)
        default:
            throw fail("unexpected \(describe(token.kind))")
        }
    }

    mutating func parseSubscript(_ expr: Expr) throws(TemplateError) -> Expr {
        if isOp(".") {
            next()
            switch current.kind {
            case .name(let name):
                next()
                return .attribute(expr, name)
            case .integer(let index):
                next()
                return .item(expr, .literal(.int(index)))
            default:
                throw fail("expected a name or number after '.', got \(describe(current.kind))")
            }
        }
        next()
        if isOp(":") { throw fail("slices are not supported") }
        let key = try parseExpression()
        if isOp(":") || isOp(",") { throw fail("slices and tuple subscripts are not supported") }
        try expect(.op("]"), "']'")
        return .item(expr, key)
    }

    mutating func parseCallArguments() throws(TemplateError) -> Arguments {
        try expect(.op("("), "'('")
        var arguments = Arguments()
        while !isOp(")") {
            if !arguments.positional.isEmpty || !arguments.keywords.isEmpty {
                try expect(.op(","), "','")
                if isOp(")") { break }
            }
            if isOp("*") || isOp("**") { throw fail("'*' and '**' arguments are not supported") }
            if case .name(let name) = current.kind, case .op("=") = peek().kind {
                next()
                next()
                arguments.keywords.append((name, try parseExpression()))
            } else {
                guard arguments.keywords.isEmpty else { throw fail("a positional argument follows a keyword argument") }
                arguments.positional.append(try parseExpression())
            }
        }
        next()
        return arguments
    }

    mutating func parseFilterCall() throws(TemplateError) -> FilterCall {
        let line = current.line
        let name = try expectName()
        guard TemplateFilters.names.contains(name) else {
            throw fail("unsupported filter '\(name)' (supported: \(TemplateFilters.names.sorted().joined(separator: ", ")))", line: line)
        }
        let arguments = isOp("(") ? try parseCallArguments() : Arguments()
        return FilterCall(name: name, arguments: arguments)
    }

    mutating func parseTest(_ expr: Expr) throws(TemplateError) -> Expr {
        next()
        var negated = false
        if isName("not") {
            next()
            negated = true
        }
        let line = current.line
        let name = try expectName()
        guard TemplateTests.names.contains(name) else {
            throw fail("unsupported test '\(name)' (supported: \(TemplateTests.names.sorted().joined(separator: ", ")))", line: line)
        }
        if isOp("(") {
            let arguments = try parseCallArguments()
            guard arguments.positional.isEmpty, arguments.keywords.isEmpty else { throw fail("the test '\(name)' takes no arguments") }
        }
        return .test(expr, name: name, negated: negated)
    }
}
