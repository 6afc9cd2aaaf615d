import Curl
import Foundation

/// A WebDriver error answer: HTTP 4xx/5xx with `{"value":{"error":…,"message":…,"stacktrace":…}}`.
/// `error` is the W3C error code (`no such element`, `stale element reference`, `no such cookie`,
/// `invalid selector`, `javascript error`, …); the stack trace (addresses only, in chromedriver)
/// is dropped.
public struct WebDriverError: Error, Sendable, CustomStringConvertible {
    public let error: String
    public let message: String
    /// The HTTP status chromedriver answered with.
    public let status: Int
    /// What was asked, e.g. `POST /session/…/element (find "#status")`.
    public let command: String

    public init(error: String, message: String, status: Int, command: String) {
        self.error = error
        self.message = message
        self.status = status
        self.command = command
    }

    /// Errors a wait polls through: the element is not there yet, or the page replaced it.
    public var isTransient: Bool {
        error == "no such element" || error == "stale element reference"
    }

    public var description: String {
        // chromedriver ends every message with "\n  (Session info: chrome=…)": noise here.
        let text = message.components(separatedBy: "\n  (Session info:").first ?? message
        return "WebDriver \(error) (HTTP \(status)) for \(command): \(text)"
    }
}

/// The HTTP side of WebDriver: JSON commands to one chromedriver on loopback, each answered with
/// `{"value": …}`.
struct WebDriverConnection: Sendable {
    /// `http://127.0.0.1:PORT`.
    let base: String
    let http: CurlSession

    init(port: Int) throws {
        base = "http://127.0.0.1:\(port)"
        var configuration = CurlConfiguration(userAgent: "lava-tests webdriver")
        // Above the session's 30 s page-load timeout, so that a slow page fails as WebDriver's
        // own `timeout` error, which names the command, rather than as a cut connection.
        configuration.timeout = .seconds(60)
        http = try CurlSession(configuration: configuration)
    }

    /// Sends one command and returns its `value`. `path` starts with `/`; `what` is added to
    /// error messages (the selector an element was found by, say).
    @discardableResult
    func command(_ method: CurlRequest.Method, _ path: String, _ body: JSONValue? = nil, what: String? = nil) async throws -> JSONValue {
        let command = "\(method.rawValue) \(path)" + (what.map { " (\($0))" } ?? "")
        var headers: [(name: String, value: String)] = []
        var bytes: [UInt8]?
        if let body {
            headers.append(("Content-Type", "application/json; charset=utf-8"))
            bytes = Array(try body.serialized())
        }
        let response: CurlResponse
        do {
            response = try await http.perform(CurlRequest(method, base + path, headers: headers, body: bytes))
        } catch {
            throw TestFailure("chromedriver at \(base) did not answer \(command): \(error)")
        }
        // Whatever the status, the answer should be a JSON object with a `value`; anything else
        // (an HTML error page, a cut body) is reported as it came.
        guard let answer = try? JSONValue(parsing: response.body), let value = answer["value"] else {
            throw TestFailure("chromedriver answered \(command) with HTTP \(response.status) and no WebDriver value: \(response.text.prefix(500))")
        }
        guard (200..<300).contains(response.status) else {
            throw WebDriverError(
                error: value["error"]?.string ?? "unknown error",
                message: value["message"]?.string ?? value.description,
                status: response.status,
                command: command
            )
        }
        return value
    }

    /// `text` as one path segment: cookie and attribute names are the test's to choose.
    static func segment(_ text: String) -> String {
        // RFC 3986's unreserved characters; `.alphanumerics` would let non-ASCII letters through.
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
