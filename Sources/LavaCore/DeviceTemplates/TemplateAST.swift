/// A parsed template: its top-level statements and the blocks it defines (anywhere in it).
final class ParsedTemplate {
    let name: String
    let body: [Statement]
    let blocks: [String: BlockDefinition]

    init(name: String, body: [Statement], blocks: [String: BlockDefinition]) {
        self.name = name
        self.body = body
        self.blocks = blocks
    }
}

/// `{% block NAME %}...{% endblock %}` of one template.
final class BlockDefinition {
    let name: String
    let body: [Statement]
    /// The template that defines it, for errors raised inside it.
    let file: String

    init(name: String, body: [Statement], file: String) {
        self.name = name
        self.body = body
        self.file = file
    }
}

/// A statement, or text to output.
indirect enum Statement {
    case text(String)
    case output(Expr, line: Int)
    case conditional(branches: [(test: Expr, body: [Statement])], otherwise: [Statement], line: Int)
    case loop(target: AssignTarget, iterable: Expr, body: [Statement], otherwise: [Statement], line: Int)
    case assign(target: AssignTarget, value: Expr, line: Int)
    case assignBlock(name: String, filters: [FilterCall], body: [Statement], line: Int)
    case filterBlock(filters: [FilterCall], body: [Statement], line: Int)
    case block(name: String, line: Int)
    case extends(Expr, line: Int)
}

/// What `set` and `for` assign to: a name, or names a sequence is unpacked into.
enum AssignTarget {
    case name(String)
    case unpack([String])
}

struct FilterCall {
    let name: String
    let arguments: Arguments
}

struct Arguments {
    var positional: [Expr] = []
    var keywords: [(name: String, value: Expr)] = []
}

enum BinaryOperator: String {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", modulo = "%", power = "**", concat = "~"
}

enum CompareOperator: String {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", contains = "in", notContains = "not in"
}

/// An expression.
indirect enum Expr {
    case literal(Value)
    case name(String)
    case list([Expr])
    case tuple([Expr])
    case dict([DictEntry])
    case attribute(Expr, String)
    case item(Expr, Expr)
    case call(Expr, Arguments)
    case filter(Expr, FilterCall)
    case test(Expr, name: String, negated: Bool)
    case not(Expr)
    case negate(Expr)
    case plus(Expr)
    case binary(BinaryOperator, Expr, Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case compare(Expr, [Comparison])
    case conditional(then: Expr, test: Expr, otherwise: Expr?)
}

struct DictEntry {
    let key: Expr
    let value: Expr
}

struct Comparison {
    let op: CompareOperator
    let operand: Expr
}
