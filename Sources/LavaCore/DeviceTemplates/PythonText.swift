/// Python's text rules the templates' output depends on: `str()` and `repr()` of values,
/// whitespace, line splitting and the escapes of string literals.
enum PythonText {
    /// `str.isspace()`.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// The line boundaries of `str.splitlines()` ("\r\n" counts as one).
    static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x1C...0x1E, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    static func splitLines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousCR = false
        for scalar in text.unicodeScalars {
            if previousCR, scalar == "\n" {
                previousCR = false
                continue
            }
            previousCR = scalar == "\r"
            if isLineBreak(scalar) {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { lines.append(String(current)) }
        return lines
    }

    static func strip(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var start = 0
        var end = scalars.count
        while start < end, isSpace(scalars[start]) { start += 1 }
        while end > start, isSpace(scalars[end - 1]) { end -= 1 }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }

    /// `repr(float)`, and Python's `inf` and `nan`.
    static func float(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return PythonFloat.repr(value)
    }

    /// `str(value)` as Jinja2 prints it.
    static func str(_ value: Value, budget: RenderBudget) throws(RenderFailure) -> String {
        switch value {
        case .undefined: return ""
        case .string(let s): return s
        default:
            var out = ""
            try repr(value, into: &out, budget: budget)
            return out
        }
    }

    static func repr(_ value: Value, into out: inout String, budget: RenderBudget) throws(RenderFailure) {
        try budget.step()
        switch value {
        case .undefined: out += "Undefined"
        case .none: out += "None"
        case .bool(let b): out += b ? "True" : "False"
        case .int(let i): out += String(i)
        case .double(let d): out += float(d)
        case .string(let s): stringRepr(s, into: &out)
        case .list(let items):
            try sequence(items, open: "[", close: "]", into: &out, budget: budget)
        case .tuple(let items):
            try sequence(items, open: "(", close: items.count == 1 ? ",)" : ")", into: &out, budget: budget)
        case .dict(let dict):
            try dictionary(dict, into: &out, budget: budget)
        case .view(let kind, let dict):
            out += kind.typeName + "("
            let items: [Value] = switch kind {
            case .items: dict.pairs.map { Value.tuple([$0, $1]) }
            case .keys: dict.keys
            case .values: dict.values
            }
            try sequence(items, open: "[", close: "]", into: &out, budget: budget)
            out += ")"
        case .loop(let loop):
            out += "<LoopContext \(loop.index0 + 1)/\(loop.items.count)>"
        case .callable, .blocks:
            throw RenderFailure("a \(value.typeName) cannot be printed (call it)")
        }
        try budget.checkString(out.utf8.count)
    }

    private static func sequence(_ items: [Value], open: String, close: String, into out: inout String, budget: RenderBudget) throws(RenderFailure) {
        out += open
        for (i, item) in items.enumerated() {
            if i > 0 { out += ", " }
            try repr(item, into: &out, budget: budget)
        }
        out += close
    }

    private static func dictionary(_ dict: ValueDict, into out: inout String, budget: RenderBudget) throws(RenderFailure) {
        out += "{"
        for (i, (key, value)) in dict.pairs.enumerated() {
            if i > 0 { out += ", " }
            try repr(key, into: &out, budget: budget)
            out += ": "
            try repr(value, into: &out, budget: budget)
        }
        out += "}"
    }

    /// `repr(str)`: single quotes unless the text has one and no double quote.
    static func stringRepr(_ s: String, into out: inout String) {
        let quote: Unicode.Scalar = s.unicodeScalars.contains("'") && !s.unicodeScalars.contains("\"") ? "\"" : "'"
        var view = String.UnicodeScalarView()
        view.append(quote)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": view.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": view.append(contentsOf: "\\n".unicodeScalars)
            case "\r": view.append(contentsOf: "\\r".unicodeScalars)
            case "\t": view.append(contentsOf: "\\t".unicodeScalars)
            case quote:
                view.append("\\")
                view.append(quote)
            default:
                if isPrintable(scalar) {
                    view.append(scalar)
                } else {
                    view.append(contentsOf: hexEscape(scalar).unicodeScalars)
                }
            }
        }
        view.append(quote)
        out += String(view)
    }

    /// `str.isprintable()` for one character.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        if scalar.value < 0x20 || scalar.value == 0x7F { return false }
        if scalar.isASCII { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator: return false
        default: return true
        }
    }

    /// `\xNN`, `\uNNNN` or `\UNNNNNNNN`, as Python's repr and `backslashreplace` write them.
    static func hexEscape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16)
        let (prefix, width) = scalar.value < 0x100 ? ("\\x", 2) : scalar.value < 0x10000 ? ("\\u", 4) : ("\\U", 8)
        return prefix + String(repeating: "0", count: max(0, width - hex.count)) + hex
    }

    /// The body of a string literal as Jinja2 decodes it: ASCII with `backslashreplace`, then
    /// Python's `unicode-escape` (so `\n`, `\x41`, `\u00e9`, octal; unknown escapes stay as written).
    static func unicodeEscapeDecode(_ raw: [Unicode.Scalar]) throws(RenderFailure) -> String {
        var out = String.UnicodeScalarView()
        var i = 0
        func hexValue(count: Int, escape: String) throws(RenderFailure) -> UInt32 {
            var value: UInt32 = 0
            // raw[i] is the backslash, raw[i + 1] the escape's letter.
            for offset in 2...(count + 1) {
                guard i + offset < raw.count, raw[i + offset].isASCII, let digit = UInt32(String(raw[i + offset]), radix: 16) else {
                    throw RenderFailure("truncated \\\(escape) escape in a string literal")
                }
                value = value * 16 + digit
            }
            return value
        }
        while i < raw.count {
            let scalar = raw[i]
            guard scalar == "\\", i + 1 < raw.count else {
                out.append(scalar)
                i += 1
                continue
            }
            let next = raw[i + 1]
            if !next.isASCII {
                // backslashreplace turned the character into `\xe9`, whose backslash the escape ate.
                out.append("\\")
                out.append(contentsOf: hexEscape(next).unicodeScalars.dropFirst())
                i += 2
                continue
            }
            switch next {
            case "\n": i += 2
            case "\\", "'", "\"":
                out.append(next)
                i += 2
            case "a": out.append("\u{07}"); i += 2
            case "b": out.append("\u{08}"); i += 2
            case "f": out.append("\u{0C}"); i += 2
            case "n": out.append("\n"); i += 2
            case "r": out.append("\r"); i += 2
            case "t": out.append("\t"); i += 2
            case "v": out.append("\u{0B}"); i += 2
            case "0"..."7":
                var value: UInt32 = 0
                var j = i + 1
                while j < raw.count, j < i + 4, raw[j] >= "0", raw[j] <= "7" {
                    value = value * 8 + (raw[j].value - 48)
                    j += 1
                }
                out.append(Unicode.Scalar(value) ?? "\u{FFFD}")
                i = j
            case "x", "u", "U":
                let count = next == "x" ? 2 : next == "u" ? 4 : 8
                let value = try hexValue(count: count, escape: String(next) + String(repeating: "X", count: count))
                guard let decoded = Unicode.Scalar(value) else {
                    throw RenderFailure("\\\(next) escape \(String(value, radix: 16)) in a string literal is not a character this renderer can hold")
                }
                out.append(decoded)
                i += 2 + count
            case "N":
                throw RenderFailure("\\N{...} escapes in string literals are not supported")
            default:
                out.append(scalar)
                out.append(next)
                i += 2
            }
        }
        return String(out)
    }
}
