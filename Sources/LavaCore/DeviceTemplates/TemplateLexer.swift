// Jinja2's template syntax, re-implemented from its documented behaviour for the subset LAVA's
// device-type templates use (no Swift package implements Jinja2; Stencil is Django-like).

/// One token of a template: text outside tags, a tag's delimiters, or a piece of an expression.
enum TokenKind: Equatable {
    case data(String)
    case blockBegin, blockEnd, variableBegin, variableEnd
    case name(String)
    case string(String)
    case integer(Int)
    case float(Double)
    case op(String)
    case end
}

struct Token {
    let kind: TokenKind
    let line: Int
}

/// Splits a template into tokens with LAVA's settings: trim_blocks (the newline after a block tag
/// or a comment is dropped), no lstrip_blocks, `-` whitespace control, one trailing newline of
/// the source dropped.
struct TemplateLexer {
    private let text: [Unicode.Scalar]
    private let file: String
    private var position = 0
    private var line = 1
    private var tokens: [Token] = []

    static func tokens(of source: String, file: String) throws(TemplateError) -> [Token] {
        var lexer = TemplateLexer(source: source, file: file)
        try lexer.run()
        return lexer.tokens
    }

    private init(source: String, file: String) {
        // Jinja2 reads every newline form as "\n" and drops one trailing newline.
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(source.unicodeScalars.count)
        var previousCR = false
        for scalar in source.unicodeScalars {
            if scalar == "\r" {
                scalars.append("\n")
                previousCR = true
                continue
            }
            if scalar == "\n", previousCR {
                previousCR = false
                continue
            }
            previousCR = false
            scalars.append(scalar)
        }
        if scalars.last == "\n" { scalars.removeLast() }
        text = scalars
        self.file = file
    }

    private func fail(_ message: String, line: Int? = nil) -> TemplateError {
        TemplateError(file: file, line: line ?? self.line, message: message)
    }

    private func at(_ offset: Int) -> Unicode.Scalar? {
        let index = position + offset
        return index < text.count ? text[index] : nil
    }

    private func starts(with literal: String, at index: Int) -> Bool {
        var i = index
        for scalar in literal.unicodeScalars {
            guard i < text.count, text[i] == scalar else { return false }
            i += 1
        }
        return true
    }

    private mutating func advance(_ count: Int = 1) {
        for _ in 0..<count where position < text.count {
            if text[position] == "\n" { line += 1 }
            position += 1
        }
    }

    private mutating func skipWhitespace() {
        while let scalar = at(0), PythonText.isSpace(scalar) { advance() }
    }

    private mutating func emitData(_ scalars: ArraySlice<Unicode.Scalar>, line: Int, stripTrailing: Bool) {
        var slice = scalars
        if stripTrailing {
            while let last = slice.last, PythonText.isSpace(last) { slice.removeLast() }
        }
        guard !slice.isEmpty else { return }
        var string = String.UnicodeScalarView()
        string.append(contentsOf: slice)
        tokens.append(Token(kind: .data(String(string)), line: line))
    }

    /// After a block tag or comment: `-` strips all following whitespace, `+` nothing, else one newline.
    private mutating func finishTag(sign: Unicode.Scalar?, trims: Bool) {
        if sign == "-" {
            skipWhitespace()
        } else if sign != "+", trims, at(0) == "\n" {
            advance()
        }
    }

    private mutating func run() throws(TemplateError) {
        while position < text.count {
            let dataStart = position
            let dataLine = line
            var tagStart: Int?
            while position < text.count {
                if text[position] == "{", let next = at(1), next == "%" || next == "{" || next == "#" {
                    tagStart = position
                    break
                }
                advance()
            }
            guard let start = tagStart else {
                emitData(text[dataStart..<position], line: dataLine, stripTrailing: false)
                break
            }
            let kind = text[start + 1]
            let strips = at(2) == "-"
            emitData(text[dataStart..<start], line: dataLine, stripTrailing: strips)
            let tagLine = line
            if kind == "#" {
                try comment(line: tagLine)
            } else if kind == "%", let rawEnd = rawTagEnd(from: start + 2) {
                try raw(openingEnd: rawEnd, line: tagLine)
            } else {
                advance(at(2) == "-" || (kind == "%" && at(2) == "+") ? 3 : 2)
                tokens.append(Token(kind: kind == "%" ? .blockBegin : .variableBegin, line: tagLine))
                try tag(block: kind == "%", line: tagLine)
            }
        }
        tokens.append(Token(kind: .end, line: line))
    }

    private mutating func comment(line tagLine: Int) throws(TemplateError) {
        advance(at(2) == "-" || at(2) == "+" ? 3 : 2)
        let contentStart = position
        while position < text.count, !starts(with: "#}", at: position) { advance() }
        guard position < text.count else { throw fail("missing end of comment tag", line: tagLine) }
        let sign: Unicode.Scalar? = position > contentStart && (text[position - 1] == "-" || text[position - 1] == "+") ? text[position - 1] : nil
        advance(2)
        finishTag(sign: sign, trims: true)
    }

    /// `{% raw %}` (with optional whitespace control): where its opening tag ends, if it is one.
    private func rawTagEnd(from index: Int) -> (end: Int, strips: Bool)? {
        var i = index
        if i < text.count, text[i] == "-" || text[i] == "+" { i += 1 }
        while i < text.count, PythonText.isSpace(text[i]) { i += 1 }
        guard starts(with: "raw", at: i) else { return nil }
        i += 3
        while i < text.count, PythonText.isSpace(text[i]) { i += 1 }
        if starts(with: "-%}", at: i) { return (i + 3, true) }
        if starts(with: "%}", at: i) { return (i + 2, false) }
        return nil
    }

    private mutating func raw(openingEnd: (end: Int, strips: Bool), line tagLine: Int) throws(TemplateError) {
        advance(openingEnd.end - position)
        if openingEnd.strips { skipWhitespace() }
        let contentStart = position
        let contentLine = line
        while position < text.count {
            if text[position] == "{", at(1) == "%" {
                var i = position + 2
                let strips = i < text.count && text[i] == "-"
                if i < text.count, text[i] == "-" || text[i] == "+" { i += 1 }
                while i < text.count, PythonText.isSpace(text[i]) { i += 1 }
                if starts(with: "endraw", at: i) {
                    i += 6
                    while i < text.count, PythonText.isSpace(text[i]) { i += 1 }
                    var sign: Unicode.Scalar?
                    if i < text.count, text[i] == "-" || text[i] == "+" {
                        sign = text[i]
                        i += 1
                    }
                    if starts(with: "%}", at: i) {
                        emitData(text[contentStart..<position], line: contentLine, stripTrailing: strips)
                        advance(i + 2 - position)
                        finishTag(sign: sign, trims: true)
                        return
                    }
                }
            }
            advance()
        }
        throw fail("missing end of raw directive", line: tagLine)
    }

    private mutating func tag(block: Bool, line tagLine: Int) throws(TemplateError) {
        var brackets: [Unicode.Scalar] = []
        while true {
            skipWhitespace()
            guard let scalar = at(0) else { throw fail("unexpected end of template: the tag opened on line \(tagLine) is not closed") }
            if brackets.isEmpty {
                // `}}` inside brackets closes a dict literal, not the tag.
                let ends: [(String, Unicode.Scalar?)] = block ? [("-%}", "-"), ("+%}", "+"), ("%}", nil)] : [("-}}", "-"), ("}}", nil)]
                for (literal, sign) in ends where starts(with: literal, at: position) {
                    let endLine = line
                    advance(literal.unicodeScalars.count)
                    tokens.append(Token(kind: block ? .blockEnd : .variableEnd, line: endLine))
                    finishTag(sign: sign, trims: block)
                    return
                }
            }
            let tokenLine = line
            if scalar == "'" || scalar == "\"" {
                tokens.append(Token(kind: .string(try stringLiteral(quote: scalar)), line: tokenLine))
            } else if Self.isDigit(scalar) {
                tokens.append(Token(kind: try number(), line: tokenLine))
            } else if Self.isNameStart(scalar) {
                let start = position
                while let next = at(0), Self.isNameStart(next) || Self.isDigit(next) { advance() }
                var name = String.UnicodeScalarView()
                name.append(contentsOf: text[start..<position])
                tokens.append(Token(kind: .name(String(name)), line: tokenLine))
            } else {
                let op = try operatorToken()
                if op == "(" || op == "[" || op == "{" {
                    brackets.append(op.unicodeScalars.first ?? "(")
                } else if op == ")" || op == "]" || op == "}" {
                    let expected: Unicode.Scalar = op == ")" ? "(" : op == "]" ? "[" : "{"
                    guard brackets.last == expected else { throw fail("unexpected '\(op)'") }
                    brackets.removeLast()
                }
                tokens.append(Token(kind: .op(op), line: tokenLine))
            }
        }
    }

    private static let operators = ["//", "**", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";"]

    private mutating func operatorToken() throws(TemplateError) -> String {
        for op in Self.operators where starts(with: op, at: position) {
            advance(op.unicodeScalars.count)
            return op
        }
        let shown = at(0).map { $0.escaped(asASCII: true) } ?? ""
        throw fail("unexpected character '\(shown)'")
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar >= "0" && scalar <= "9" }
    static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || scalar == "_"
    }

    /// Digits with single underscores between them, from `index`; the end index, or nil when none.
    private func digitRun(from index: Int, isDigit: (Unicode.Scalar) -> Bool) -> Int? {
        var i = index
        guard i < text.count, isDigit(text[i]) else { return nil }
        while i < text.count {
            if isDigit(text[i]) {
                i += 1
            } else if text[i] == "_", i + 1 < text.count, isDigit(text[i + 1]) {
                i += 1
            } else {
                break
            }
        }
        return i
    }

    private func digits(_ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: text[range].filter { $0 != "_" })
        return String(view)
    }

    /// A number as Jinja2 reads it: a float (`1.5`, `1e3`, `1.5e-3`), else an integer (decimal
    /// without leading zeros, or `0b`, `0o`, `0x`), underscores allowed between digits.
    private mutating func number() throws(TemplateError) -> TokenKind {
        let start = position
        let lookbehindDot = start > 0 && text[start - 1] == "."
        if !lookbehindDot, let intEnd = digitRun(from: start, isDigit: Self.isDigit) {
            var end = intEnd
            var isFloat = false
            if end < text.count, text[end] == ".", let fractionEnd = digitRun(from: end + 1, isDigit: Self.isDigit) {
                end = fractionEnd
                isFloat = true
            }
            if end < text.count, text[end] == "e" || text[end] == "E" {
                var i = end + 1
                if i < text.count, text[i] == "+" || text[i] == "-" { i += 1 }
                if let exponentEnd = digitRun(from: i, isDigit: Self.isDigit) {
                    end = exponentEnd
                    isFloat = true
                }
            }
            if isFloat {
                guard let value = Double(digits(start..<end)) else { throw fail("invalid number") }
                advance(end - start)
                return .float(value)
            }
        }
        if text[start] == "0", start + 1 < text.count {
            let radixMark = text[start + 1]
            let radix: Int? = radixMark == "b" || radixMark == "B" ? 2 : radixMark == "o" || radixMark == "O" ? 8 : radixMark == "x" || radixMark == "X" ? 16 : nil
            if let radix {
                var i = start + 2
                var value = 0
                var count = 0
                while i < text.count {
                    if text[i] == "_", i + 1 < text.count, Self.digitValue(text[i + 1]).map({ $0 < radix }) == true {
                        i += 1
                        continue
                    }
                    guard let digit = Self.digitValue(text[i]), digit < radix else { break }
                    let (multiplied, overflow1) = value.multipliedReportingOverflow(by: radix)
                    let (added, overflow2) = multiplied.addingReportingOverflow(digit)
                    guard !overflow1, !overflow2 else { throw fail("integer literal too large") }
                    value = added
                    count += 1
                    i += 1
                }
                if count > 0 {
                    advance(i - start)
                    return .integer(value)
                }
            }
            // `0`, `00`, `0_0`: a zero; `012` is a zero followed by another number.
            var i = start + 1
            while i < text.count {
                if text[i] == "0" {
                    i += 1
                } else if text[i] == "_", i + 1 < text.count, text[i + 1] == "0" {
                    i += 1
                } else {
                    break
                }
            }
            advance(i - start)
            return .integer(0)
        }
        let end = digitRun(from: start, isDigit: Self.isDigit) ?? start + 1
        guard let value = Int(digits(start..<end)) else { throw fail("integer literal too large") }
        advance(end - start)
        return .integer(value)
    }

    private static func digitValue(_ scalar: Unicode.Scalar) -> Int? {
        switch scalar {
        case "0"..."9": Int(scalar.value - 48)
        case "a"..."f": Int(scalar.value - 87)
        case "A"..."F": Int(scalar.value - 55)
        default: nil
        }
    }

    /// A quoted string with Python's `unicode-escape` rules, as Jinja2 decodes its literals.
    private mutating func stringLiteral(quote: Unicode.Scalar) throws(TemplateError) -> String {
        let startLine = line
        advance()
        var raw: [Unicode.Scalar] = []
        while true {
            guard let scalar = at(0) else { throw fail("unterminated string literal", line: startLine) }
            if scalar == quote {
                advance()
                break
            }
            if scalar == "\\" {
                guard let next = at(1) else { throw fail("unterminated string literal", line: startLine) }
                raw.append(scalar)
                raw.append(next)
                advance(2)
                continue
            }
            raw.append(scalar)
            advance()
        }
        do {
            return try PythonText.unicodeEscapeDecode(raw)
        } catch {
            throw fail(error.message, line: startLine)
        }
    }
}
