import Foundation

/// One line of Prometheus's text exposition format: `name{label="value",...} value`.
public struct PrometheusSample: Sendable, Equatable {
    public var name: String
    public var labels: [String: String]
    public var value: Double

    public init(name: String, labels: [String: String] = [:], value: Double) {
        self.name = name
        self.labels = labels
        self.value = value
    }

    /// The samples of `text`; comments, blank lines and lines that are not samples are skipped.
    public static func parse(_ text: String) -> [PrometheusSample] {
        text.split(separator: "\n").compactMap { line in
            line.hasPrefix("#") ? nil : sample(Substring(line))
        }
    }

    private static func sample(_ line: Substring) -> PrometheusSample? {
        var rest = line[...]
        let name = rest.prefix { $0 != "{" && $0 != " " }
        guard !name.isEmpty else { return nil }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while let first = rest.first, first != "}" {
                if first == "," { rest = rest.dropFirst(); continue }
                let key = rest.prefix { $0 != "=" }
                rest = rest.dropFirst(key.count)
                guard rest.hasPrefix("=\"") else { return nil }
                rest = rest.dropFirst(2)
                guard let value = quoted(&rest) else { return nil }
                labels[key.trimmingCharacters(in: .whitespaces)] = value
            }
            guard rest.first == "}" else { return nil }
            rest = rest.dropFirst()
        }
        // A timestamp may follow the value; Double reads +Inf and NaN too.
        guard let text = rest.split(separator: " ").first, let value = Double(text) else { return nil }
        return PrometheusSample(name: String(name), labels: labels, value: value)
    }

    /// A label's value up to its closing quote, with `\\`, `\"` and `\n` unescaped.
    private static func quoted(_ rest: inout Substring) -> String? {
        var value = ""
        while let character = rest.first {
            rest = rest.dropFirst()
            switch character {
            case "\"": return value
            case "\\":
                guard let escaped = rest.first else { return nil }
                rest = rest.dropFirst()
                value.append(escaped == "n" ? "\n" : escaped)
            default: value.append(character)
            }
        }
        return nil
    }
}

extension [PrometheusSample] {
    /// The value of the sample `name` whose labels include `labels`.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        first { sample in sample.name == name && labels.allSatisfy { key, value in sample.labels[key] == value } }?.value
    }

    /// The `label` of the samples `name` whose value is 1 (an info gauge's version, the phase).
    public func label(_ label: String, of name: String) -> String? {
        first { $0.name == name && $0.value == 1 }?.labels[label]
    }
}
