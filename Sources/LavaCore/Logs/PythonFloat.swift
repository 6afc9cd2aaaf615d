/// Formats a Double as PyYAML's `represent_float` does: Python's shortest `repr` (fixed notation
/// for decimal exponents -4 through 15, otherwise `1.5e+20`), with `.0` added to a mantissa that has
/// no point (`1.0e+20`), and `.nan`, `.inf`, `-.inf`. The server reads the value back unchanged.
enum PythonFloat {
    static func yamlText(_ value: Double) -> String {
        if value.isNaN { return ".nan" }
        if value.isInfinite { return value < 0 ? "-.inf" : ".inf" }
        let text = repr(value)
        if !text.contains("."), let e = text.firstIndex(of: "e") {
            return text[..<e] + ".0" + text[e...]
        }
        return text
    }

    /// Python's `repr(float)`, rebuilt from Swift's shortest round-trip digits.
    static func repr(_ value: Double) -> String {
        let sign = value.sign == .minus ? "-" : ""
        let (digits, exponent) = decimalDigits(abs(value))
        if digits == "0" { return sign + "0.0" }
        // `exponent` is the power of ten of the first digit, as in scientific notation.
        if exponent >= -4, exponent < 16 {
            if exponent < 0 {
                return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits
            }
            let integerCount = exponent + 1
            if digits.count <= integerCount {
                return sign + digits + String(repeating: "0", count: integerCount - digits.count) + ".0"
            }
            let split = digits.index(digits.startIndex, offsetBy: integerCount)
            return sign + digits[..<split] + "." + digits[split...]
        }
        let mantissa = digits.count == 1 ? digits : String(digits.prefix(1)) + "." + digits.dropFirst()
        let exponentDigits = String(abs(exponent))
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+")
            + (exponentDigits.count < 2 ? "0" : "") + exponentDigits
    }

    /// The significant digits (no leading or trailing zeros) and the decimal exponent of the first one.
    private static func decimalDigits(_ value: Double) -> (digits: String, exponent: Int) {
        let text = value.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integer = parts.first.map(String.init) ?? ""
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        var all = integer + fraction
        var firstExponent = exponent + integer.count - 1
        while all.hasPrefix("0") {
            all.removeFirst()
            firstExponent -= 1
        }
        while all.hasSuffix("0") { all.removeLast() }
        return all.isEmpty ? ("0", 0) : (all, firstExponent)
    }
}
