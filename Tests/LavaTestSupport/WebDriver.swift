import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An element of the page, as WebDriver refers to it. It goes stale when the page replaces it
/// (a navigation, a re-render); find it again then.
public struct WebElement: Sendable, Hashable, CustomStringConvertible {
    /// W3C's fixed key for an element reference in JSON.
    public static let referenceKey = "element-6066-11e4-a52e-4f735466cecf"

    public let id: String
    /// The CSS selector that found it, for failure messages; nil for one a script returned.
    public let selector: String?

    public init(id: String, selector: String?) {
        self.id = id
        self.selector = selector
    }

    /// An element reference in a script's result (`return document.activeElement`); nil for any
    /// other value.
    public init?(_ value: JSONValue, selector: String? = nil) {
        guard let id = value[Self.referenceKey]?.string else { return nil }
        self.init(id: id, selector: selector)
    }

    /// The element as a script argument: `execute("arguments[0].scrollIntoView()", [element.json])`.
    public var json: JSONValue { [Self.referenceKey: .string(id)] }

    public var description: String {
        selector.map { "element \"\($0)\"" } ?? "element \(id)"
    }
}

/// A cookie as the browser holds it, for checking the attributes the server set.
public struct BrowserCookie: Sendable, Equatable {
    public let name: String
    public let value: String
    public let path: String?
    public let domain: String?
    public let httpOnly: Bool
    public let secure: Bool
    /// `Strict`, `Lax` or `None`.
    public let sameSite: String?
    /// Seconds since 1970; nil for a session cookie.
    public let expiry: Int?

    init?(_ value: JSONValue) {
        guard let name = value["name"]?.string, let content = value["value"]?.string else { return nil }
        self.name = name
        self.value = content
        path = value["path"]?.string
        domain = value["domain"]?.string
        httpOnly = value["httpOnly"]?.bool ?? false
        secure = value["secure"]?.bool ?? false
        sameSite = value["sameSite"]?.string
        expiry = value["expiry"]?.int
    }
}

/// One line of the browser's log: console calls, uncaught exceptions, failed loads.
public struct BrowserLogEntry: Sendable, Equatable {
    /// `SEVERE`, `WARNING`, `INFO` or `DEBUG` (console.error, .warn, .log, .debug).
    public let level: String
    /// Where it came from: `console-api`, `javascript` (uncaught errors), `network` (a failed
    /// load, a 404 included).
    public let source: String?
    public let message: String
    /// Milliseconds since 1970.
    public let timestamp: Double?
}

/// One browser, driven over W3C WebDriver. Every method is one or a few commands to chromedriver;
/// WebDriver's error answers throw `WebDriverError`.
public struct BrowserSession: Sendable {
    public let id: String
    let connection: WebDriverConnection
    let profile: URL
    let browserProcess: Int32?

    private var path: String { "/session/\(id)" }

    // MARK: Navigation

    /// Loads `url` and returns once the page has loaded (its `load` event), as WebDriver's
    /// navigation does; at most 30 s.
    public func open(_ url: String) async throws {
        try await connection.command(.post, "\(path)/url", ["url": .string(url)], what: "open \(url)")
    }

    public func currentURL() async throws -> String {
        try await string(connection.command(.get, "\(path)/url"), "the current URL")
    }

    public func title() async throws -> String {
        try await string(connection.command(.get, "\(path)/title"), "the title")
    }

    /// The page's HTML as it stands now (after scripts), for failure messages.
    public func pageSource() async throws -> String {
        try await string(connection.command(.get, "\(path)/source"), "the page source")
    }

    // MARK: Elements

    /// The first element matching `css` (inside `scope`, when given); throws a `WebDriverError`
    /// `no such element` naming the selector and the page when there is none.
    public func find(_ css: String, in scope: WebElement? = nil) async throws -> WebElement {
        let value: JSONValue
        do {
            value = try await connection.command(.post, "\(prefix(scope))/element", ["using": "css selector", "value": .string(css)], what: "find \"\(css)\"")
        } catch let error as WebDriverError where error.error == "no such element" {
            let page = (try? await currentURL()) ?? "the page"
            throw WebDriverError(error: error.error, message: "no element matches \"\(css)\"\(scope.map { " in \($0)" } ?? "") on \(page)",
                                 status: error.status, command: error.command)
        }
        guard let element = WebElement(value, selector: css) else {
            throw TestFailure("chromedriver found \"\(css)\" but answered no element reference: \(value)")
        }
        return element
    }

    /// Every element matching `css` (inside `scope`, when given), in document order; empty when
    /// none does.
    public func findAll(_ css: String, in scope: WebElement? = nil) async throws -> [WebElement] {
        let value = try await connection.command(.post, "\(prefix(scope))/elements", ["using": "css selector", "value": .string(css)], what: "find all \"\(css)\"")
        guard let references = value.array else {
            throw TestFailure("chromedriver answered a search for \"\(css)\" with no list: \(value)")
        }
        return try references.map {
            guard let element = WebElement($0, selector: css) else {
                throw TestFailure("chromedriver listed a non-element for \"\(css)\": \($0)")
            }
            return element
        }
    }

    /// The element's rendered text, as a reader sees it (hidden parts left out).
    public func text(_ element: WebElement) async throws -> String {
        try await string(connection.command(.get, "\(path)/element/\(element.id)/text", what: "text of \(element)"), "the text of \(element)")
    }

    /// The HTML attribute as written (`href="/x"` gives `/x`); nil when absent.
    public func attribute(_ element: WebElement, _ name: String) async throws -> String? {
        let value = try await connection.command(.get, "\(path)/element/\(element.id)/attribute/\(WebDriverConnection.segment(name))", what: "attribute \(name) of \(element)")
        return value.string
    }

    /// The DOM property (`href` gives the absolute URL, `checked` a boolean, `value` what was
    /// typed); `.null` when absent.
    public func property(_ element: WebElement, _ name: String) async throws -> JSONValue {
        try await connection.command(.get, "\(path)/element/\(element.id)/property/\(WebDriverConnection.segment(name))", what: "property \(name) of \(element)")
    }

    /// Clicks the element's centre, scrolling it into view first. A link or a submit button
    /// navigates; WebDriver returns without waiting for the new page, so wait for something on it.
    public func click(_ element: WebElement) async throws {
        try await connection.command(.post, "\(path)/element/\(element.id)/click", [:], what: "click \(element)")
    }

    /// Empties an input or a textarea.
    public func clear(_ element: WebElement) async throws {
        try await connection.command(.post, "\(path)/element/\(element.id)/clear", [:], what: "clear \(element)")
    }

    /// Types `text` into the element as key presses, after what it holds. Each character is a
    /// key: "\n" is a new line in a textarea (Enter in an input), "\t" is Tab and moves the
    /// focus, U+E000–U+E05D are WebDriver's special keys. To set a value with tabs in it, use
    /// `execute("arguments[0].value = arguments[1]", [element.json, .string(text)])`.
    public func type(_ element: WebElement, _ text: String) async throws {
        try await connection.command(.post, "\(path)/element/\(element.id)/value", ["text": .string(text)], what: "type into \(element)")
    }

    // MARK: Scripts, cookies, pictures, logs

    /// Runs `script` as a function body in the page (`return …` gives its value); `arguments[i]`
    /// is `args[i]`, with `WebElement.json` for an element. Elements in the result come back as
    /// references (`WebElement(_:)` reads them).
    @discardableResult
    public func execute(_ script: String, _ args: [JSONValue] = []) async throws -> JSONValue {
        try await connection.command(.post, "\(path)/execute/sync", ["script": .string(script), "args": .array(args)], what: "script")
    }

    /// The cookie of that name visible to the current page; nil when there is none.
    public func cookie(named name: String) async throws -> BrowserCookie? {
        let value: JSONValue
        do {
            value = try await connection.command(.get, "\(path)/cookie/\(WebDriverConnection.segment(name))", what: "cookie \(name)")
        } catch let error as WebDriverError where error.error == "no such cookie" {
            return nil
        }
        guard let cookie = BrowserCookie(value) else {
            throw TestFailure("chromedriver answered cookie \(name) with no name or value: \(value)")
        }
        return cookie
    }

    /// Every cookie visible to the current page.
    public func cookies() async throws -> [BrowserCookie] {
        let value = try await connection.command(.get, "\(path)/cookie", what: "all cookies")
        guard let list = value.array else { throw TestFailure("chromedriver answered the cookies with no list: \(value)") }
        return try list.map {
            guard let cookie = BrowserCookie($0) else { throw TestFailure("chromedriver listed a cookie with no name or value: \($0)") }
            return cookie
        }
    }

    /// A PNG of the viewport, or of just `element`.
    public func screenshot(of element: WebElement? = nil) async throws -> Data {
        let target = element.map { "\(path)/element/\($0.id)" } ?? path
        let value = try await connection.command(.get, "\(target)/screenshot", what: "screenshot of \(element.map(\.description) ?? "the page")")
        guard let base64 = value.string, let png = Data(base64Encoded: base64) else {
            throw TestFailure("chromedriver's screenshot is no base64 text: \(value.description.prefix(200))")
        }
        return png
    }

    /// Writes a PNG of the viewport (or of `element`) to `file`, making its directory.
    public func screenshot(to file: URL, of element: WebElement? = nil) async throws {
        let png = try await screenshot(of: element)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try png.write(to: file, options: .atomic)
    }

    /// The browser's log since the last call (reading empties it), through the legacy log
    /// command Selenium uses (`POST /se/log`), which chromedriver 156 answers.
    public func browserLog() async throws -> [BrowserLogEntry] {
        let value = try await connection.command(.post, "\(path)/se/log", ["type": "browser"], what: "browser log")
        guard let entries = value.array else { throw TestFailure("chromedriver answered the browser log with no list: \(value)") }
        return entries.map {
            BrowserLogEntry(level: $0["level"]?.string ?? "", source: $0["source"]?.string,
                            message: $0["message"]?.string ?? $0.description, timestamp: $0["timestamp"]?.double)
        }
    }

    /// The messages of the `SEVERE` entries in `browserLog()`: console.error calls, uncaught
    /// exceptions and failed loads. Chromium asks every page's origin for /favicon.ico, so a
    /// server without one shows a 404 here.
    public func consoleErrors() async throws -> [String] {
        try await browserLog().filter { $0.level == "SEVERE" }.map(\.message)
    }

    // MARK: Waiting

    /// The first element matching `css` (whose text contains `text`, when given), polled every
    /// 100 ms; fails after `seconds` with what was last seen.
    @discardableResult
    public func waitFor(_ css: String, timeout seconds: Int = 10, textContaining text: String? = nil) async throws -> WebElement {
        let what = "\"\(css)\"" + (text.map { " containing \"\($0)\"" } ?? "")
        return try await poll(seconds, what) {
            let elements = try await findAll(css)
            guard let text else {
                return elements.first.map(Poll.done) ?? .notYet("nothing matched \"\(css)\"")
            }
            var seen: [String] = []
            for element in elements {
                let content = try await self.text(element)
                if content.contains(text) { return .done(element) }
                seen.append(content)
            }
            return .notYet(seen.isEmpty ? "nothing matched \"\(css)\"" : "text of the matches: \(seen.map { "\"\($0.prefix(200))\"" }.joined(separator: ", "))")
        }
    }

    /// Polls `condition` every 100 ms until it holds; fails after `seconds`, naming `description`.
    /// `no such element` and `stale element reference` errors count as "not yet" (the page is
    /// still changing); other errors end the wait.
    public func waitUntil(
        timeout seconds: Int = 10, _ description: String,
        isolation: isolated (any Actor)? = #isolation,
        _ condition: () async throws -> Bool
    ) async throws {
        let _: Bool = try await poll(seconds, description, isolation: isolation) {
            try await condition() ? .done(true) : .notYet("the condition was false")
        }
    }

    // MARK: Ending

    /// Closes the browser (`DELETE /session`) and removes its profile. Runs even in a cancelled
    /// task (the request goes from a task of its own, which a cancellation does not reach); when
    /// chromedriver cannot close it, the browser is killed by its pid.
    public func end() async {
        let connection = connection
        let path = path
        let closed = await Task { (try? await connection.command(.delete, path)) != nil }.value
        if !closed, let browserProcess, browserProcess > 0 {
            Glibc.kill(browserProcess, SIGKILL)
        }
        try? FileManager.default.removeItem(at: profile)
    }

    // MARK: Helpers

    private func prefix(_ scope: WebElement?) -> String {
        scope.map { "\(path)/element/\($0.id)" } ?? path
    }

    private func string(_ value: JSONValue, _ what: String) throws -> String {
        guard let text = value.string else { throw TestFailure("chromedriver answered \(what) with no string: \(value)") }
        return text
    }

    private func poll<T>(
        _ seconds: Int, _ description: String,
        isolation: isolated (any Actor)? = #isolation,
        _ attempt: () async throws -> Poll<T>
    ) async throws -> T {
        // A loop of our own rather than `within`, so that the failure says what was last seen.
        // Each attempt is a few commands, each bounded by the connection's timeout.
        let deadline = ContinuousClock.now + .seconds(seconds)
        var last = "nothing"
        while true {
            do {
                switch try await attempt() {
                case .done(let value): return value
                case .notYet(let seen): last = seen
                }
            } catch let error as WebDriverError where error.isTransient {
                last = error.description
            }
            guard ContinuousClock.now < deadline else {
                let page = (try? await currentURL()) ?? "the page"
                throw TestFailure("\(description) did not come within \(seconds) s on \(page); last seen: \(last)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// One attempt of a wait: its result, or what was seen instead.
enum Poll<T> {
    case done(T)
    case notYet(String)
}
