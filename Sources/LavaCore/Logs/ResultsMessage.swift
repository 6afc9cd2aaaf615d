/// A value in the `msg` of a `results` record. The type decides the YAML tag the line carries
/// (`!!int`, `!!float`, `!!bool`), which is how the server tells `"41"` from `41` (spec §5.1).
public enum ResultValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case float(Double)
    case bool(Bool)
}

extension ResultValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

/// The `msg` of a `results` record: keys in the order they are written, as LAVA's logger keeps
/// the insertion order of the Python dict (`definition`, `case`, `result`, ..., `starttc`, `endtc`).
public struct ResultsMessage: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    public struct Field: Sendable, Equatable {
        public let key: String
        public var value: ResultValue
    }

    public private(set) var fields: [Field]

    public init(_ pairs: [(String, ResultValue)]) {
        fields = []
        for (key, value) in pairs { self[key] = value }
    }

    public init(dictionaryLiteral elements: (String, ResultValue)...) {
        self.init(elements)
    }

    /// Setting an existing key replaces its value in place; a new key goes last; nil removes it.
    public subscript(key: String) -> ResultValue? {
        get { fields.first { $0.key == key }?.value }
        set {
            let index = fields.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let index?, let value?): fields[index].value = value
            case (let index?, nil): fields.remove(at: index)
            case (nil, let value?): fields.append(Field(key: key, value: value))
            case (nil, nil): break
            }
        }
    }

    /// The value of `key` when it is a string.
    public func string(_ key: String) -> String? {
        if case .string(let text)? = self[key] { return text }
        return nil
    }
}
