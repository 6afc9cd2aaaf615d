import Foundation
import LavaCore
@testable import LavaServer
import LavaTestSupport
import Testing

/// The web pages in a real browser (Debian's headless Chromium, driven over WebDriver) against
/// a real server, real workers and the real Docker engine. Screenshots of the main pages are
/// written to a temporary directory, and to docs/screenshots with LAVA_UPDATE_SCREENSHOTS=1.
extension EndToEnd { @Suite struct BrowserTests {
    static func job(_ name: String, steps: [String], visibility: String = "public") -> String {
        """
        device_type: docker
        job_name: \(name)
        timeouts: {job: {minutes: 5}}
        visibility: \(visibility)
        actions:
        - deploy: {to: docker, image: \(TestDocker.baseImage), os: debian, timeout: {minutes: 2}}
        - boot: {method: docker, command: bash, prompts: ['root@lava:/'], timeout: {minutes: 1}}
        - test:
            timeout: {minutes: 3}
            definitions:
            - from: inline
              name: browser
              path: inline/browser.yaml
              repository:
                metadata: {format: Lava-Test Test Definition 1.0, name: browser}
                run:
                  steps:
        \(steps.map { "          - \"\($0)\"" }.joined(separator: "\n"))
        """
    }

    @Test("a job submitted from the page runs on a real worker, its page follows the log live to Complete; the fleet follows workers and marks one at another version")
    func liveJob() async throws {
        let shots = try Screenshots()
        try await DockerLab.run(scheduling: true) { lab, live in
            let staleToken = try await live.inventory.addWorker("lab-2")
            let base = "http://127.0.0.1:\(lab.port)"
            try await withBrowser { browser in
                try await browser.open(base + "/scheduler/allworkers")
                #expect(try await browser.text(try await browser.find("tr[data-worker='lab-1'] td.state")) == "Offline")
                try await browser.waitUntil("the page to listen to /ws/") {
                    try await browser.execute("return document.body.dataset.live === '1'").bool == true
                }
                try await browser.execute("window.lavaNoReload = true")
                let worker = try lab.worker()
                defer { worker.stop() }
                try await browser.waitFor("tr[data-worker='lab-1'] td.state", timeout: 30, textContaining: "Online")
                #expect(try await browser.execute("return window.lavaNoReload === true").bool == true, "updated without a reload")

                let stale = try WorkerProcess(name: "lab-2", url: lab.url, token: staleToken, directory: lab.directory.appendingPathComponent("stale"),
                                              environment: [LavaVersion.overrideVariable: "2025.01"])
                defer { stale.stop() }
                try await within(30, "lab-2 to report 2025.01") {
                    while try await live.server.database.read({ try await WorkerStore.find($0, name: "lab-2") })?.version != "2025.01" {
                        try await Task.sleep(for: .milliseconds(100))
                    }
                }
                try await browser.open(base + "/scheduler/allworkers")
                let staleRow = try await browser.find("tr[data-worker='lab-2']")
                #expect(try await browser.attribute(staleRow, "class") == "mismatch")
                #expect(try await browser.text(try await browser.find("tr[data-worker='lab-2'] td.version")) == "2025.01 mismatch")
                #expect(try await browser.attribute(try await browser.find("tr[data-worker='lab-1']"), "class") == "")
                try await shots.take("workers", browser)
                try await browser.click(try await browser.find("#filter-mismatch"))
                try await browser.waitUntil("only lab-2 listed") {
                    try await browser.findAll("tr[data-worker]").count == 1
                }
                #expect(try await browser.findAll("tr[data-worker='lab-2']").count == 1)

                try await signIn(browser, base, "admin", lab.admin)
                try await browser.open(base + "/scheduler/jobsubmit")
                try await setValue(browser, "#definition", Self.job("page job", steps: ["echo x"]).replacingOccurrences(of: "timeouts: {job: {minutes: 5}}", with: "timeouts: {job: {minutes: 5}}\npriority: urgent"))
                try await browser.click(try await browser.find("#submit"))
                let placed: WebElement
                do {
                    placed = try await browser.waitFor("li.error-line", textContaining: "'priority' must be high, medium, low")
                } catch {
                    throw TestFailure("\(error); the page:\n\(try await browser.pageSource().prefix(4000))")
                }
                #expect(try await browser.text(placed).hasPrefix("priority: urgent"))
                try await shots.take("submit-error", browser)

                let steps = (1...8).map { "echo tick-$((\($0) * 7)); sleep 1" } + ["lava-test-case browser-ok --shell true"]
                try await setValue(browser, "#definition", Self.job("page job", steps: steps))
                try await browser.click(try await browser.find("#submit"))
                try await browser.waitUntil("the job's page") { try await browser.currentURL().contains("/scheduler/job/") }
                let url = try await browser.currentURL()
                let id = try #require(Int(url.split(separator: "/").last ?? ""))
                try await browser.execute("window.lavaNoReload = true")
                try await waitForRunning(browser, lab, live, id, worker)
                try await browser.waitFor("#log code.target", timeout: 90, textContaining: "tick-7")
                #expect(try await browser.text(try await browser.find("#job-health")) == "Unknown", "the log arrived while the job ran")
                try await browser.waitFor("#job-health", timeout: 120, textContaining: "Complete")
                try await browser.waitFor("#log-live", timeout: 10, textContaining: "The job has finished.")
                #expect(try await browser.execute("return window.lavaNoReload === true").bool == true, "followed without a reload")
                let target = try await browser.findAll("#log code.target")
                var texts: [String] = []
                for line in target { texts.append(try await browser.text(line)) }
                #expect(texts.contains { $0.hasSuffix("tick-56") }, "\(texts)")
                let stored = try await live.storedLog(id)
                #expect(try await browser.findAll("#log code").count == stored.count, "every stored record, once")
                #expect(try await browser.text(try await browser.find("#job-state")) == "Finished")
                #expect(try await browser.findAll("#cancel").isEmpty, "no cancel for a finished job")
                #expect(try await browser.text(try await browser.find("#log-end")) == String(stored.count), "the pager follows too")
                #expect(try await browser.text(try await browser.find("#job-device")) == "docker-01", "and the device it was given")
                #expect(try await browser.text(try await browser.find("#results-none")) == "The job has finished: see its results")
                try await browser.execute("window.scrollTo(0, 0)")
                try await shots.take("job", browser)

                try await browser.open(base + "/results/\(id)")
                #expect(try await browser.text(try await browser.find("#cases")).contains("browser-ok pass"))
                try await browser.open(base + "/scheduler/alljobs")
                #expect(try await browser.findAll("tr[data-job='\(id)']").count == 1)
                try await shots.take("jobs", browser)
                try await browser.open(base + "/")
                #expect(try await browser.text(try await browser.find("#workers-mismatched")) == "1")
                try await shots.take("index", browser)
                // Only the refused submission's status; a CSP violation would show here too.
                let errors = try await browser.consoleErrors().filter { !$0.contains("/scheduler/jobsubmit - Failed to load resource: the server responded with a status of 400") }
                #expect(errors.isEmpty, "the console: \(errors)")
            }
        }
        try shots.publish()
    }

    @Test("from the pages: cancel a job; maintenance keeps new jobs off a worker; a personal job stays hidden; a script in a job name stays text; a POST without its CSRF token is refused")
    func actions() async throws {
        try await DockerLab.run(scheduling: true) { lab, live in
            let alice = try await live.inventory.addUser("alice", isAdmin: false)
            let bob = try await live.inventory.addUser("bob", isAdmin: false)
            let worker = try lab.worker()
            defer { worker.stop() }
            let base = "http://127.0.0.1:\(lab.port)"
            let name = #"<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">"#
            let long = Self.job("'\(name.replacingOccurrences(of: "'", with: "''"))'", steps: ["sleep 300"])
            let id = try await live.submit(long, userToken: alice)
            try await withBrowser { browser in
                try await signIn(browser, base, "alice", alice)
                try await browser.open(base + "/scheduler/job/\(id)")
                try await waitForRunning(browser, lab, live, id, worker)
                #expect(try await browser.text(try await browser.find("#job-description")) == name, "shown as text")
                #expect(try await browser.execute("return typeof window.pwned").string == "undefined", "and never run")

                // The form without its token: refused, and the job runs on.
                try await browser.execute("document.querySelector('#cancel-form input[name=csrf_token]').remove()")
                try await browser.click(try await browser.find("#cancel"))
                try await browser.waitFor("#error-message", textContaining: "CSRF token missing or wrong")
                #expect(try await lab.job(id, on: live).state == .running)

                try await browser.open(base + "/scheduler/job/\(id)")
                try await browser.click(try await browser.waitFor("#cancel"))
                try await browser.waitFor("#job-health", timeout: 60, textContaining: "Canceled")
                #expect(try await lab.job(id, on: live).health == .canceled)

                // A personal job: its submitter sees it; bob and anonymous visitors do not.
                let hidden = try await live.submit(Self.job("alice-private", steps: ["sleep 300"], visibility: "personal"), userToken: alice)
                try await browser.open(base + "/scheduler/job/\(hidden)")
                try await browser.waitFor("#job-description", textContaining: "alice-private")
                try await browser.click(try await browser.find("#sign-out"))
                try await browser.waitFor("#sign-in")
                for visitor in ["anonymous", "bob"] {
                    if visitor == "bob" { try await signIn(browser, base, "bob", bob) }
                    try await browser.open(base + "/scheduler/job/\(hidden)")
                    #expect(try await browser.text(try await browser.find("#error-message")).contains("was not found"), "\(visitor)")
                    try await browser.open(base + "/scheduler/alljobs")
                    #expect(try await browser.findAll("tr[data-job='\(hidden)']").isEmpty, "\(visitor)")
                    #expect(try await browser.findAll("tr[data-job='\(id)']").count == 1, "\(visitor) sees the public one")
                }
                // Signed out before the next sign-in: the form's navigation must not land after it.
                try await browser.click(try await browser.find("#sign-out"))
                try await browser.waitFor("#sign-in")
                try await lab.cancel(hidden)

                // Maintenance from the worker's page keeps new jobs off it, Active lets them on.
                try await signIn(browser, base, "admin", lab.admin)
                try await browser.open(base + "/scheduler/worker/lab-1")
                try await setValue(browser, "#worker-health-select", "Maintenance")
                try await browser.click(try await browser.find("#worker-health-save"))
                try await browser.waitFor("#worker-health", textContaining: "Maintenance")
                let queued = try await live.submit(Self.job("after maintenance", steps: ["true"]), userToken: alice)
                try await live.schedule()
                #expect(try await lab.job(queued, on: live).state == .submitted, "no job goes to a worker in maintenance")
                try await setValue(browser, "#worker-health-select", "Active")
                try await browser.click(try await browser.find("#worker-health-save"))
                try await browser.waitFor("#worker-health", textContaining: "Active")
                try await lab.wait(for: queued, on: live, worker: worker) { $0.state != .submitted }
                try await lab.cancel(queued)
                let errors = try await browser.consoleErrors()
                #expect(errors.allSatisfy { $0.contains("403") || $0.contains("404") }, "only the refused form's and the hidden job's statuses: \(errors)")
            }
        }
    }

    /// Waits for the job's page to say Running; a failure says how the job ended and what the
    /// worker logged.
    private func waitForRunning(_ browser: BrowserSession, _ lab: DockerLab, _ live: LiveServer, _ id: Int, _ worker: WorkerProcess) async throws {
        do {
            try await browser.waitFor("#job-state", timeout: 90, textContaining: "Running")
        } catch {
            throw TestFailure("\(error)\njob \(id): \(await lab.diagnosis(try await lab.job(id, on: live), on: live))\n\(worker.diagnosis)")
        }
    }

    private func signIn(_ browser: BrowserSession, _ base: String, _ name: String, _ token: String) async throws {
        try await browser.open(base + "/accounts/login/")
        try await browser.type(try await browser.find("#username"), name)
        try await browser.type(try await browser.find("#token"), token)
        try await browser.click(try await browser.find("#signin"))
        try await browser.waitFor("#signed-in", textContaining: name)
        let cookie = try #require(try await browser.cookie(named: "sessionid"))
        #expect(cookie.httpOnly && cookie.sameSite == "Lax" && !cookie.secure)
    }

    private func setValue(_ browser: BrowserSession, _ css: String, _ value: String) async throws {
        try await browser.execute("document.querySelector(arguments[0]).value = arguments[1]", [.string(css), .string(value)])
    }
} }

/// Where the browser tests' screenshots go: a temporary directory always, docs/screenshots too
/// when LAVA_UPDATE_SCREENSHOTS=1, so that a CI run never changes the tree.
struct Screenshots {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("lava-screenshots-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func take(_ name: String, _ browser: BrowserSession) async throws {
        let file = directory.appendingPathComponent("\(name).png")
        try await browser.screenshot(to: file)
        let data = try Data(contentsOf: file)
        #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(name).png is a PNG")
    }

    func publish() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        guard ProcessInfo.processInfo.environment["LAVA_UPDATE_SCREENSHOTS"] == "1" else { return }
        let target = PackageFiles.url("docs/screenshots")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let destination = target.appendingPathComponent(name)
            try? FileManager.default.removeItem(at: destination)
            try FileManager.default.copyItem(at: directory.appendingPathComponent(name), to: destination)
        }
    }
}
