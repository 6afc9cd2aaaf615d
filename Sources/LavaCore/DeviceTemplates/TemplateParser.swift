/// Builds a `ParsedTemplate` from tokens: the statements LAVA's templates use (extends, block,
/// set, if, for, filter); any other Jinja2 statement is refused by name.
struct TemplateParser {
    var tokens: [Token]
    var position = 0
    let file: String
    let maxNesting: Int
    var depth = 0
    var blocks: [String: BlockDefinition] = [:]

    static func parse(_ source: String, name: String, limits: TemplateLimits) throws(TemplateError) -> ParsedTemplate {
        guard source.utf8.count <= limits.maxSourceBytes else {
            throw TemplateError(file: name, line: 0, message: "the template is larger than \(limits.maxSourceBytes) bytes")
        }
        var parser = TemplateParser(tokens: try TemplateLexer.tokens(of: source, file: name), file: name, maxNesting: limits.maxNesting)
        let (body, endTag) = try parser.parseBody(until: [], topLevel: true)
        if let endTag { throw parser.fail("unexpected '\(endTag)'") }
        return ParsedTemplate(name: name, body: body, blocks: parser.blocks)
    }

    /// Statements that Jinja2 has and this subset refuses, so the message can say so.
    private static let unsupportedStatements: Set<String> = [
        "macro", "call", "include", "import", "from", "with", "autoescape", "do", "break", "continue", "print", "trans",
    ]

    var current: Token { position < tokens.count ? tokens[position] : Token(kind: .end, line: tokens.last?.line ?? 1) }

    func peek(_ offset: Int = 1) -> Token {
        position + offset < tokens.count ? tokens[position + offset] : Token(kind: .end, line: current.line)
    }

    func fail(_ message: String, line: Int? = nil) -> TemplateError {
        TemplateError(file: file, line: line ?? current.line, message: message)
    }

    mutating func next() { position += 1 }

    mutating func enter() throws(TemplateError) {
        depth += 1
        guard depth <= maxNesting else { throw fail("the template nests statements or expressions deeper than \(maxNesting) levels") }
    }

    mutating func leave(_ levels: Int = 1) { depth -= levels }

    func describe(_ kind: TokenKind) -> String {
        switch kind {
        case .data: "template text"
        case .blockBegin: "'{%'"
        case .blockEnd: "'%}'"
        case .variableBegin: "'{{'"
        case .variableEnd: "'}}'"
        case .name(let n): "'\(n)'"
        case .string: "a string"
        case .integer, .float: "a number"
        case .op(let op): "'\(op)'"
        case .end: "the end of the template"
        }
    }

    mutating func expect(_ kind: TokenKind, _ what: String) throws(TemplateError) {
        guard current.kind == kind else { throw fail("expected \(what), got \(describe(current.kind))") }
        next()
    }

    func isName(_ name: String, _ token: Token? = nil) -> Bool {
        if case .name(let n) = (token ?? current).kind { return n == name }
        return false
    }

    func isOp(_ op: String) -> Bool {
        if case .op(let o) = current.kind { return o == op }
        return false
    }

    mutating func expectName() throws(TemplateError) -> String {
        guard case .name(let name) = current.kind else { throw fail("expected a name, got \(describe(current.kind))") }
        next()
        return name
    }

    /// Statements until one of `endTags` (or the end of the template when empty); returns the
    /// end tag found, its `{%` and name consumed.
    mutating func parseBody(until endTags: Set<String>, topLevel: Bool) throws(TemplateError) -> ([Statement], String?) {
        try enter()
        defer { leave() }
        var nodes: [Statement] = []
        while true {
            let token = current
            switch token.kind {
            case .end:
                if !endTags.isEmpty {
                    throw fail("unexpected end of template: expected \(endTags.sorted().map { "'\($0)'" }.joined(separator: " or "))")
                }
                return (nodes, nil)
            case .data(let text):
                nodes.append(.text(text))
                next()
            case .variableBegin:
                next()
                let expr = try parseTuple(withConditional: true)
                try expect(.variableEnd, "'}}'")
                nodes.append(.output(expr, line: token.line))
            case .blockBegin:
                next()
                let keyword = try expectName()
                if endTags.contains(keyword) { return (nodes, keyword) }
                nodes.append(try parseStatement(keyword, line: token.line, topLevel: topLevel))
            default:
                throw fail("unexpected \(describe(token.kind))")
            }
        }
    }

    mutating func parseStatement(_ keyword: String, line: Int, topLevel: Bool) throws(TemplateError) -> Statement {
        switch keyword {
        case "if":
            var branches: [(test: Expr, body: [Statement])] = []
            var otherwise: [Statement] = []
            var test = try parseTuple(withConditional: false)
            while true {
                try expect(.blockEnd, "'%}'")
                let (body, end) = try parseBody(until: ["elif", "else", "endif"], topLevel: topLevel)
                branches.append((test, body))
                if end == "elif" {
                    test = try parseTuple(withConditional: false)
                    continue
                }
                if end == "else" {
                    try expect(.blockEnd, "'%}'")
                    (otherwise, _) = try parseBody(until: ["endif"], topLevel: topLevel)
                }
                break
            }
            try expect(.blockEnd, "'%}'")
            return .conditional(branches: branches, otherwise: otherwise, line: line)
        case "for":
            let target = try parseTarget()
            guard isName("in") else { throw fail("expected 'in' in the for statement, got \(describe(current.kind))") }
            next()
            let iterable = try parseTuple(withConditional: false)
            if isName("if") || isName("recursive") {
                throw fail("'for ... \(isName("if") ? "if" : "recursive")' loops are not supported")
            }
            try expect(.blockEnd, "'%}'")
            let (body, end) = try parseBody(until: ["endfor", "else"], topLevel: false)
            var otherwise: [Statement] = []
            if end == "else" {
                try expect(.blockEnd, "'%}'")
                (otherwise, _) = try parseBody(until: ["endfor"], topLevel: false)
            }
            try expect(.blockEnd, "'%}'")
            return .loop(target: target, iterable: iterable, body: body, otherwise: otherwise, line: line)
        case "set":
            let target = try parseTarget()
            if isOp("=") {
                next()
                let value = try parseTuple(withConditional: true)
                try expect(.blockEnd, "'%}'")
                return .assign(target: target, value: value, line: line)
            }
            guard case .name(let name) = target else { throw fail("a set block assigns to one name") }
            let filters = try parseFilterChain()
            try expect(.blockEnd, "'%}'")
            let (body, _) = try parseBody(until: ["endset"], topLevel: false)
            try expect(.blockEnd, "'%}'")
            return .assignBlock(name: name, filters: filters, body: body, line: line)
        case "filter":
            let filters = try parseFilterChain(firstWithoutPipe: true)
            try expect(.blockEnd, "'%}'")
            let (body, _) = try parseBody(until: ["endfilter"], topLevel: false)
            try expect(.blockEnd, "'%}'")
            return .filterBlock(filters: filters, body: body, line: line)
        case "block":
            let name = try expectName()
            if isName("scoped") || isName("required") {
                throw fail("'\(isName("scoped") ? "scoped" : "required")' blocks are not supported")
            }
            try expect(.blockEnd, "'%}'")
            guard blocks[name] == nil else { throw fail("block '\(name)' defined twice", line: line) }
            let (body, _) = try parseBody(until: ["endblock"], topLevel: false)
            if case .name(let endName) = current.kind {
                guard endName == name else { throw fail("'endblock \(endName)' closes block '\(name)'") }
                next()
            }
            try expect(.blockEnd, "'%}'")
            blocks[name] = BlockDefinition(name: name, body: body, file: file)
            return .block(name: name, line: line)
        case "extends":
            guard topLevel else { throw fail("cannot use extends inside a for loop, block, filter or set block", line: line) }
            let expr = try parseExpression()
            try expect(.blockEnd, "'%}'")
            return .extends(expr, line: line)
        default:
            if Self.unsupportedStatements.contains(keyword) {
                throw fail("unsupported statement '\(keyword)' (supported: extends, block, set, if, for, filter, raw)", line: line)
            }
            throw fail("unknown statement '\(keyword)'", line: line)
        }
    }

    /// `x`, `a, b` or `(a, b)`.
    mutating func parseTarget() throws(TemplateError) -> AssignTarget {
        let parenthesized = isOp("(")
        if parenthesized { next() }
        var names = [try expectName()]
        var isTuple = parenthesized
        while isOp(",") {
            isTuple = true
            next()
            if case .name = current.kind { names.append(try expectName()) } else { break }
        }
        if parenthesized { try expect(.op(")"), "')'") }
        if !isTuple, let only = names.first { return .name(only) }
        return .unpack(names)
    }

    /// `| f(args) | g ...` after a filter block's or set block's opening.
    mutating func parseFilterChain(firstWithoutPipe: Bool = false) throws(TemplateError) -> [FilterCall] {
        var filters: [FilterCall] = []
        if firstWithoutPipe {
            // `{% filter indent(8) %}`: the first filter has no pipe.
            filters.append(try parseFilterCall())
        }
        while isOp("|") {
            next()
            filters.append(try parseFilterCall())
        }
        return filters
    }
}
