import Foundation

/// A JSON value that can cross tasks (JSONSerialization's `Any` cannot): what WebDriver's
/// commands take and return, such as a script's arguments and result or an element's property.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var double: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The number, when it is a whole one.
    public var int: Int? {
        guard case .number(let value) = self, let whole = Int(exactly: value) else { return nil }
        return whole
    }

    public var array: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var object: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// The member `key` of an object; nil for a missing key or a value that is no object.
    public subscript(key: String) -> JSONValue? {
        object?[key]
    }

    /// The element at `index` of an array; nil when out of range or no array.
    public subscript(index: Int) -> JSONValue? {
        guard let array, array.indices.contains(index) else { return nil }
        return array[index]
    }
}

extension JSONValue {
    /// Parses JSON text; any top-level value is allowed (WebDriver answers are objects, but a
    /// script may return a bare string).
    public init(parsing data: Data) throws {
        let parsed = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        guard let value = JSONValue(foundation: parsed) else {
            throw TestFailure("JSON with a value JSONSerialization should never produce: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        self = value
    }

    /// The JSON text of the value.
    public func serialized() throws -> Data {
        try JSONSerialization.data(withJSONObject: foundation, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])
    }

    /// JSONSerialization's output as a value. On Linux a JSON `true` and a JSON `1` are both
    /// NSNumbers that `as? Bool` accepts, so booleans are told apart by their class, the one
    /// `NSNumber(value: true)` has (`__NSCFBoolean`).
    init?(foundation value: Any) {
        switch value {
        case is NSNull:
            self = .null
        case let number as NSNumber:
            self = type(of: number) == JSONValue.booleanClass ? .bool(number.boolValue) : .number(number.doubleValue)
        case let string as String:
            self = .string(string)
        case let array as [Any]:
            var values: [JSONValue] = []
            for element in array {
                guard let value = JSONValue(foundation: element) else { return nil }
                values.append(value)
            }
            self = .array(values)
        case let object as [String: Any]:
            var values: [String: JSONValue] = [:]
            for (key, element) in object {
                guard let value = JSONValue(foundation: element) else { return nil }
                values[key] = value
            }
            self = .object(values)
        default:
            return nil
        }
    }

    private static let booleanClass = type(of: NSNumber(value: true))

    /// What JSONSerialization writes.
    var foundation: Any {
        switch self {
        case .null: NSNull()
        case .bool(let value): value
        case .number(let value): Int(exactly: value).map { $0 as Any } ?? value
        case .string(let value): value
        case .array(let values): values.map(\.foundation)
        case .object(let values): values.mapValues(\.foundation)
        }
    }
}

extension JSONValue: CustomStringConvertible {
    /// Compact JSON text, for failure messages.
    public var description: String {
        (try? serialized()).map { String(decoding: $0, as: UTF8.self) } ?? "\(foundation)"
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements) { $1 })
    }
}
