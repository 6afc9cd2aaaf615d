import Foundation

/// One call to the Engine API, its path without the `/v1.xx` prefix.
struct EngineRequest: Sendable {
    enum Method: String, Sendable {
        case get = "GET", post = "POST", delete = "DELETE"
    }

    var method: Method
    var path: String
    var query: [(name: String, value: String)] = []
    var body: [UInt8]?
    var contentType = "application/json"
    var headers: [(name: String, value: String)] = []
    /// Whole-call limit; nil for calls that last as long as what they wait for (wait, follow).
    var timeout: Duration? = .seconds(120)

    init(_ method: Method, _ path: String, query: [(name: String, value: String)] = []) {
        self.method = method
        self.path = path
        self.query = query
    }

    /// Sets a JSON body from a Codable value.
    func json(_ value: some Encodable) throws(DockerError) -> EngineRequest {
        var copy = self
        do {
            copy.body = Array(try JSONEncoder().encode(value))
        } catch {
            throw .invalidResponse(detail: "cannot encode the request for \(path): \(error)")
        }
        return copy
    }

    /// An id or image reference as one path segment ("/" and ":" stay readable: the engine's
    /// router takes image names with slashes).
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: pathAllowed) ?? text
    }

    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? text
    }

    /// Label filters in the engine's `filters` JSON: `{"label": ["k", "k=v"]}`.
    static func labelFilters(_ labels: [String: String?]) -> String? {
        filters(["label": labelValues(labels)])
    }

    /// The engine's `filters` JSON, `{"name": ["value", ...]}`; nil when no name has a value.
    static func filters(_ values: [String: [String]]) -> String? {
        let present = values.filter { !$0.value.isEmpty }
        guard !present.isEmpty, let data = try? JSONEncoder().encode(present) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Labels as filter values: `k` matches any value, `k=v` only that one.
    static func labelValues(_ labels: [String: String?]) -> [String] {
        labels.map { key, value in value.map { "\(key)=\($0)" } ?? key }.sorted()
    }

    private static let unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    private static let pathAllowed = CharacterSet(charactersIn: unreserved + "/:@")
    private static let queryAllowed = CharacterSet(charactersIn: unreserved)
}
