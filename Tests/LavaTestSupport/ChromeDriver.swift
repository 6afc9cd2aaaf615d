import Foundation

/// Debian's chromedriver (package chromium-driver, scripts/install-deps.sh) on a free loopback
/// port, driving Debian's Chromium. `withBrowser` is the usual way in; `start`, `newSession` and
/// `stop` are for a test that needs more than one browser.
public final class ChromeDriver: Sendable {
    public static let driverPath = "/usr/bin/chromedriver"
    public static let browserPath = "/usr/bin/chromium"

    /// Whether both are installed, for `.enabled(if: ChromeDriver.isInstalled)`.
    public static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: driverPath) && FileManager.default.isExecutableFile(atPath: browserPath)
    }

    public let port: Int
    let connection: WebDriverConnection
    private let process: ChildProcess
    private let directory: URL

    private init(port: Int, connection: WebDriverConnection, process: ChildProcess, directory: URL) {
        self.port = port
        self.connection = connection
        self.process = process
        self.directory = directory
    }

    /// chromedriver's own output (its start-up lines; browser start failures).
    public var log: String { process.log }

    /// Starts chromedriver and waits until `GET /status` says it is ready for sessions.
    public static func start() async throws -> ChromeDriver {
        guard isInstalled else {
            throw TestFailure("\(driverPath) or \(browserPath) is missing: run scripts/install-deps.sh (packages chromium, chromium-driver)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lava-chromedriver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = try FreePort.next()
        let connection = try WebDriverConnection(port: port)
        // chromedriver listens on loopback only unless told otherwise (--allowed-ips).
        let process = try ChildProcess(
            URL(fileURLWithPath: driverPath), ["--port=\(port)"], logFile: directory.appendingPathComponent("chromedriver.log")
        )
        let driver = ChromeDriver(port: port, connection: connection, process: process, directory: directory)
        do {
            _ = try await within(15, "chromedriver ready on port \(port)") {
                while true {
                    // Refused connections until it listens: keep asking.
                    if let status = try? await connection.command(.get, "/status"), status["ready"]?.bool == true { return true }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        } catch {
            let output = driver.log
            driver.stop()
            throw TestFailure("\(error); chromedriver's output:\n\(output)")
        }
        return driver
    }

    /// A new headless Chromium, with a profile of its own in a fresh temp directory, so that
    /// parallel tests share no cookies or cache. End it with `BrowserSession.end()`.
    public func newSession() async throws -> BrowserSession {
        let profile = directory.appendingPathComponent("profile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        let capabilities: JSONValue = [
            "browserName": "chrome",
            // The console's messages (and failed loads), read by `browserLog()`.
            "goog:loggingPrefs": ["browser": "ALL"],
            "goog:chromeOptions": [
                "binary": .string(Self.browserPath),
                "args": [
                    // The only headless mode left in recent Chromium.
                    "--headless=new",
                    // We run as root in a container, where Chromium refuses to start sandboxed.
                    "--no-sandbox",
                    // /dev/shm is small on some CI machines; the browser then uses /tmp.
                    "--disable-dev-shm-usage",
                    // The window; the page's viewport inside it is 1280×757 in Chromium 156.
                    "--window-size=1280,900",
                    .string("--user-data-dir=\(profile.path)"),
                ],
            ],
        ]
        let created: JSONValue
        do {
            created = try await connection.command(.post, "/session", ["capabilities": ["alwaysMatch": capabilities]], what: "new Chromium session")
        } catch {
            try? FileManager.default.removeItem(at: profile)
            throw TestFailure("\(error); chromedriver's output:\n\(log)")
        }
        guard let id = created["sessionId"]?.string else {
            try? FileManager.default.removeItem(at: profile)
            throw TestFailure("chromedriver's new session has no sessionId: \(created)")
        }
        // The browser's pid, to kill should `DELETE /session` fail: killing chromedriver alone
        // leaves the browser running, and killing the browser's main process ends its children.
        let browserProcess = created["capabilities"]?["goog:processID"]?.int.flatMap { Int32(exactly: $0) }
        let session = BrowserSession(id: id, connection: connection, profile: profile, browserProcess: browserProcess)
        do {
            // No implicit waits (tests wait explicitly with `waitFor`), and bounds well under the
            // 300 s page load chromedriver allows by default.
            try await connection.command(.post, "/session/\(id)/timeouts", ["implicit": 0, "pageLoad": 30_000, "script": 10_000])
        } catch {
            await session.end()
            throw error
        }
        return session
    }

    /// Kills chromedriver (SIGKILL, see `ChildProcess.kill`) and removes its log and any profile
    /// left behind. End sessions first: their browsers outlive the driver.
    public func stop() {
        process.kill()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs `body` with a fresh headless Chromium and its own chromedriver, then ends the browser and
/// kills the driver, whether `body` returns or throws.
public func withBrowser<T>(
    isolation: isolated (any Actor)? = #isolation,
    _ body: (BrowserSession) async throws -> T
) async throws -> T {
    let driver = try await ChromeDriver.start()
    defer { driver.stop() }
    let session = try await driver.newSession()
    let result: T
    do {
        result = try await body(session)
    } catch {
        await session.end()
        throw error
    }
    await session.end()
    return result
}
