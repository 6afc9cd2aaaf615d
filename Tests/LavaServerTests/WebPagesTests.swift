import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LavaCore
@testable import LavaServer
import LavaTestSupport
import Testing

/// The web pages over real HTTP on a real server and database: what they show, to whom, and
/// what their forms accept. The browser's side is BrowserTests (LavaWorkerTests). One at a time:
/// each opens a server and its database pool, and the suite's others run beside them.
@Suite(.serialized) struct WebPagesTests {
    static let securityHeaders: [(HTTPField.Name, String)] = [
        (.contentSecurityPolicy, SecurityHeaders<LavaRequestContext>.policy),
        (HTTPField.Name("X-Frame-Options")!, "DENY"),
        (.xContentTypeOptions, "nosniff"),
    ]

    static func expectSecurityHeaders(_ response: TestResponse, _ path: String) {
        for (name, value) in securityHeaders {
            #expect(response.headers[name] == value, "\(name) on \(path)")
        }
    }

    @Test("every page answers for an anonymous visitor, with LAVA's security headers and a strict CSP", arguments: Backend.all)
    func pagesRender(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let (id, token) = try await server.startJob(client, lab)
                let result = #"{"dt": "2026-11-24T22:46:14.0", "lvl": "results", "msg": {"definition": "0_smoke", "case": "boots", "result": "pass"}}"#
                _ = try await client.uploadLogs(id, token: token, lines: [#"{"dt": "2026-11-24T22:46:13.0", "lvl": "info", "msg": "hello"}"#, result], index: 0)
                let visitor = PageVisitor(client)
                let pages: [(String, [String])] = [
                    ("/", ["2026.11", #"id="workers-online">1<"#, #"id="jobs-running">1<"#]),
                    ("/scheduler/allworkers", [#"data-worker="w1""#, "Online", "2026.11", "/scheduler/job/\(id)"]),
                    ("/scheduler/worker/w1", ["docker-01", "Recent jobs", "/scheduler/job/\(id)"]),
                    ("/scheduler/alldevices", [#"data-device="docker-01""#, "Running"]),
                    ("/scheduler/device/docker-01", ["docker-01", "/scheduler/job/\(id)"]),
                    ("/scheduler/alljobs", [#"data-job="\#(id)""#, "smoke", "Rows 1–1 of 1"]),
                    ("/scheduler/job/\(id)", ["Running", #"id="L0""#, "hello", "0_smoke.boots: pass", "job_name: smoke", #"data-follow="1""#]),
                    ("/results/\(id)", ["0_smoke", "boots", "/scheduler/job/\(id)?line=1"]),
                    ("/accounts/login/", [#"name="csrf_token""#, "API token"]),
                    ("/scheduler/jobsubmit", ["Sign in to submit jobs"]),
                ]
                for (path, texts) in pages {
                    let page = try await visitor.get(path)
                    #expect(page.status == .ok, "\(path): \(page.text.prefix(500))")
                    #expect(page.headers[.contentType] == "text/html; charset=utf-8", "\(path)")
                    #expect(page.headers[.cacheControl] == "no-store", "\(path)")
                    Self.expectSecurityHeaders(page, path)
                    for text in texts { #expect(page.text.contains(text), "\(path) shows \(text)") }
                    #expect(!page.text.contains("{{"), "\(path): a template tag was left unrendered")
                }
                let style = try await visitor.get("/static/lava.css")
                #expect(style.status == .ok)
                #expect(style.headers[.contentType]?.hasPrefix("text/css") == true)
                Self.expectSecurityHeaders(style, "/static/lava.css")
                #expect(try await visitor.get("/static/live-job.js").status == .ok)
                #expect(try await visitor.get("/static/%2e%2e/templates/base.mustache").status != .ok, "no way out of static/")
                #expect(try await visitor.get("/static/../Package.swift").status != .ok)

                for path in ["/scheduler/job/999", "/scheduler/worker/nosuch", "/scheduler/device/nosuch", "/results/999", "/scheduler/job/abc"] {
                    let missing = try await visitor.get(path)
                    #expect(missing.status == .notFound, "\(path)")
                    #expect(missing.text.contains(#"id="error-message""#), "\(path) is the HTML error page")
                    Self.expectSecurityHeaders(missing, path)
                }
                let bad = try await visitor.get("/scheduler/alljobs?state=Bogus")
                #expect(bad.status == .badRequest)
                #expect(bad.text.contains("Unknown state &#39;Bogus&#39;"))
                #expect(try await visitor.get("/scheduler/alljobs?page=0").status == .badRequest)
                // The REST API keeps its JSON and gets none of the pages' headers.
                let rest = try await client.rest(.get, "/api/v0.2/jobs/", token: nil)
                #expect(rest.headers[.contentSecurityPolicy] == nil)
                #expect(rest.headers[.contentType] == "application/json")
            }
        }
    }

    @Test("what users wrote is shown as text: job names, log lines, failure comments, submit errors")
    func escaping() async throws {
        try await withServer(.sqlite) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let script = "<script>alert('x')</script>"
                let (id, token) = try await server.startJob(client, lab, definition: dockerJob(name: "\"\(script) & more\""))
                let line = #"{"dt": "2026-11-24T22:46:13.0", "lvl": "target", "msg": "<img src=x onerror=alert(1)> \"quoted\""}"#
                let odd = #"{"dt": "2026-11-24T22:46:13.0", "lvl": "x\" onmouseover=\"alert(1)", "msg": "odd level"}"#
                #expect(try await client.uploadLogs(id, token: token, lines: [line, odd], index: 0).status == .ok)
                let visitor = PageVisitor(client)
                for path in ["/scheduler/alljobs", "/scheduler/job/\(id)", "/scheduler/worker/w1", "/scheduler/device/docker-01"] {
                    let page = try await visitor.get(path)
                    #expect(!page.text.contains("<script>alert"), "\(path)")
                    #expect(page.text.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"), "\(path)")
                }
                let job = try await visitor.get("/scheduler/job/\(id)")
                #expect(job.text.contains(##"<code class="target" id="L0"><a class="ln" href="#L0">0</a>&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot;</code>"##))
                #expect(job.text.contains(#"<code class="other" id="L1">"#), "a level not LAVA's never reaches the markup")
                #expect(!job.text.contains("onmouseover"))
                let records = try await visitor.get("/scheduler/job/\(id)/log_pipeline_incremental?line=0")
                #expect(records.headers[.contentType] == "application/json")
                let decoded = try JSONSerialization.jsonObject(with: Data(buffer: records.body)) as? [[String: Any]]
                #expect(decoded?.first?["msg"] as? String == #"<img src=x onerror=alert(1)> "quoted""#, "JSON carries the text; the page's script sets it as text")
                #expect(decoded?.last?["lvl"] as? String == "other")
            }
        }
    }

    @Test("a personal job is not found by anonymous visitors or other users, on any page; its submitter and admins see it", arguments: Backend.all)
    func visibility(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            let bob = try await server.inventory.addUser("bob", isAdmin: false)
            try await server.live { client in
                let definition = dockerJob(name: "secret-plans").replacingOccurrences(of: "visibility: public", with: "visibility: personal")
                let (id, _) = try await server.startJob(client, lab, definition: definition)
                let anonymous = PageVisitor(client)
                let other = PageVisitor(client)
                try await other.signIn("bob", token: bob)
                for visitor in [anonymous, other] {
                    for path in ["/scheduler/job/\(id)", "/results/\(id)", "/scheduler/job/\(id)/job_status", "/scheduler/job/\(id)/log_pipeline_incremental?line=0",
                                 "/scheduler/job/\(id)/log_file/plain", "/scheduler/job/\(id)/definition/plain"] {
                        let page = try await visitor.get(path)
                        #expect(page.status == .notFound, "\(path)")
                        #expect(!page.text.contains("secret-plans"))
                    }
                    for path in ["/scheduler/alljobs", "/scheduler/allworkers", "/scheduler/worker/w1", "/scheduler/alldevices", "/scheduler/device/docker-01"] {
                        let page = try await visitor.get(path)
                        #expect(!page.text.contains("secret-plans"), "\(path)")
                        #expect(!page.text.contains("/scheduler/job/\(id)\""), "\(path) links no private job")
                    }
                    #expect(try await visitor.get("/").text.contains(#"<span id="jobs-running">0</span>"#), "the summary counts only what the visitor may see")
                }
                let owner = PageVisitor(client)
                try await owner.signIn("alice", token: lab.userToken)
                let admin = PageVisitor(client)
                try await admin.signIn("admin", token: lab.adminToken)
                for visitor in [owner, admin] {
                    #expect(try await visitor.get("/").text.contains(#"<span id="jobs-running">1</span>"#))
                    let definition = try await visitor.get("/scheduler/job/\(id)/definition/plain")
                    #expect(definition.headers[.contentType] == "text/plain; charset=utf-8")
                    #expect(definition.text.hasPrefix("device_type: docker\njob_name: secret-plans"))
                    #expect(try await visitor.get("/scheduler/job/\(id)/log_file/plain").status == .notFound, "no log yet")
                    #expect(try await visitor.get("/scheduler/job/\(id)").text.contains("secret-plans"))
                    #expect(try await visitor.get("/scheduler/alljobs").text.contains("secret-plans"))
                    #expect(try await visitor.get("/scheduler/allworkers").text.contains("/scheduler/job/\(id)\""))
                }
            }
        }
    }

    @Test("sign-in: a wrong token is refused; the session cookie is HttpOnly and SameSite=Lax, Secure only behind https from a trusted proxy, and ends", arguments: Backend.all)
    func signIn(_ backend: Backend) async throws {
        try await withServer(backend, configure: { $0.trustedProxies = [IPNetwork.loopbackV4] }) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let visitor = PageVisitor(client)
                let form = try await visitor.get("/accounts/login/?next=/scheduler/alljobs")
                #expect(form.text.contains(#"name="next" value="/scheduler/alljobs""#))
                let refused = try await visitor.post("/accounts/login/", [("csrf_token", try PageVisitor.csrf(in: form)), ("username", "alice"),
                                                                          ("token", lab.adminToken), ("next", "/scheduler/alljobs")])
                #expect(refused.status == .unauthorized)
                #expect(refused.text.contains("Unknown user name or API token"))
                #expect(refused.text.contains(#"name="next" value="/scheduler/alljobs""#), "a wrong token keeps where the visitor was going")
                #expect(visitor.cookies["sessionid"] == nil)

                let accepted = try await visitor.signIn("alice", token: lab.userToken)
                #expect(accepted.status == .seeOther)
                #expect(accepted.headers[.location] == "/")
                let cookie = try #require(accepted.headers[values: .setCookie].first { $0.hasPrefix("sessionid=") })
                for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] { #expect(cookie.contains(attribute), "\(cookie)") }
                #expect(!cookie.contains("Secure"), "plain http: \(cookie)")
                #expect(try await visitor.get("/").text.contains(#"<span id="signed-in">alice</span>"#))
                let stored = try await server.server.database.read { try await $0.raw("SELECT token_hash FROM web_sessions").all() }
                #expect(stored.count == 1)
                #expect(try stored.first?.decode(column: "token_hash", as: String.self) == Token.hash(visitor.cookies["sessionid"] ?? ""), "only the hash is kept")

                // haproxy ends TLS and says so; the test client's loopback address is the trusted proxy.
                let behindTLS = PageVisitor(client)
                let tlsForm = try await behindTLS.get("/accounts/login/", headers: [WebSessions.forwardedProto: "https"])
                #expect(tlsForm.headers[values: .setCookie].first?.contains("Secure") == true)
                let secure = try await behindTLS.post("/accounts/login/", [("csrf_token", try PageVisitor.csrf(in: tlsForm)), ("username", "alice"), ("token", lab.userToken)],
                                                      headers: [WebSessions.forwardedProto: "https"])
                #expect(secure.headers[values: .setCookie].first { $0.hasPrefix("sessionid=") }?.contains("; Secure") == true)

                // Sessions end: after their lifetime, and when signed out.
                let signedIn = try await visitor.get("/")
                server.clock.advance(by: Double(WebSessions.lifetime) + 1)
                #expect(try await visitor.get("/").text.contains(#"id="sign-in""#), "an ended session is a visitor signed out")
                let ended = try await visitor.post("/accounts/logout/", [("csrf_token", try PageVisitor.csrf(in: signedIn))])
                #expect(ended.status == .seeOther, "signing out of an ended session clears its cookie")
                #expect(visitor.cookies["sessionid"] == nil)
                let again = PageVisitor(client)
                try await again.signIn("alice", token: lab.userToken)
                let home = try await again.get("/")
                let cookieBefore = again.cookies["sessionid"]
                let out = try await again.post("/accounts/logout/", [("csrf_token", try PageVisitor.csrf(in: home))])
                #expect(out.status == .seeOther)
                #expect(again.cookies["sessionid"] == nil)
                let replay = try await client.executeRequest(uri: "/", method: .get, headers: [.cookie: "sessionid=\(cookieBefore ?? "")"], body: nil)
                #expect(String(buffer: replay.body).contains(#"id="sign-in""#), "a signed-out cookie opens nothing")
            }
        }
    }

    @Test("every POST needs the session's CSRF token and, when the browser names one, our origin; refused forms change nothing", arguments: Backend.all)
    func csrf(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let (id, _) = try await server.startJob(client, lab)
                let alice = PageVisitor(client)
                try await alice.signIn("alice", token: lab.userToken)
                let page = try await alice.get("/scheduler/job/\(id)")
                #expect(page.text.contains(#"id="cancel""#))
                let token = try PageVisitor.csrf(in: page)

                let missing = try await alice.post("/scheduler/job/\(id)/cancel", [])
                #expect(missing.status == .forbidden)
                #expect(missing.text.contains("CSRF token missing or wrong"))
                // One character changed (to another one: a token may start with "x").
                let wrong = (token.first == "x" ? "y" : "x") + token.dropFirst()
                #expect(try await alice.post("/scheduler/job/\(id)/cancel", [("csrf_token", wrong)]).status == .forbidden)
                #expect(try await alice.post("/scheduler/job/\(id)/cancel", [("csrf_token", token)], headers: [.origin: "http://evil.example"]).status == .forbidden)
                #expect(try await server.job(id)?.state == .running, "nothing was canceled")

                // The sign-in form has its own token: a login CSRF needs it too.
                let fresh = PageVisitor(client)
                let forged = try await fresh.post("/accounts/login/", [("username", "alice"), ("token", lab.userToken)])
                #expect(forged.status == .forbidden)
                #expect(fresh.cookies["sessionid"] == nil)

                let canceled = try await alice.post("/scheduler/job/\(id)/cancel", [("csrf_token", token)], headers: [.origin: "http://localhost"])
                #expect(canceled.status == .seeOther, "\(canceled.text)")
                #expect(canceled.headers[.location] == "/scheduler/job/\(id)")
                #expect(try await server.job(id)?.state == .canceling)
            }
        }
    }

    @Test("admins put devices and workers into maintenance and issue worker tokens from the pages; users may not, nor cancel others' jobs", arguments: Backend.all)
    func actions(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            let bob = try await server.inventory.addUser("bob", isAdmin: false)
            try await server.live { client in
                let (id, _) = try await server.startJob(client, lab)
                let user = PageVisitor(client)
                try await user.signIn("bob", token: bob)
                let home = try await user.get("/scheduler/job/\(id)")
                #expect(!home.text.contains(#"id="cancel""#), "no cancel button for others' jobs")
                let token = try PageVisitor.csrf(in: home)
                #expect(try await user.post("/scheduler/job/\(id)/cancel", [("csrf_token", token)]).status == .forbidden)
                #expect(try await user.post("/scheduler/device/docker-01/health", [("csrf_token", token), ("health", "Maintenance")]).status == .forbidden)
                #expect(try await user.post("/scheduler/worker/w1/token", [("csrf_token", token)]).status == .forbidden)
                #expect(!(try await user.get("/scheduler/worker/w1")).text.contains("worker-health-form"))
                #expect(try await server.job(id)?.state == .running)

                let admin = PageVisitor(client)
                try await admin.signIn("admin", token: lab.adminToken)
                let device = try await admin.get("/scheduler/device/docker-01")
                let adminToken = try PageVisitor.csrf(in: device)
                let set = try await admin.post("/scheduler/device/docker-01/health", [("csrf_token", adminToken), ("health", "Maintenance")])
                #expect(set.status == .seeOther)
                #expect(try await admin.get("/scheduler/device/docker-01").text.contains(#"id="device-health">Maintenance<"#))
                #expect(try await admin.post("/scheduler/device/docker-01/health", [("csrf_token", adminToken), ("health", "Broken")]).status == .badRequest)
                #expect(try await admin.post("/scheduler/worker/w1/health", [("csrf_token", adminToken), ("health", "Maintenance")]).status == .seeOther)
                #expect(try await server.worker("w1")?.health == .maintenance)
                #expect(try await admin.post("/scheduler/worker/nosuch/health", [("csrf_token", adminToken), ("health", "Active")]).status == .notFound)

                let issued = try await admin.post("/scheduler/worker/w1/token", [("csrf_token", adminToken)])
                #expect(issued.status == .ok)
                let text = issued.text
                let start = try #require(text.range(of: #"<code id="new-token">"#))
                let newToken = String(text[start.upperBound...].prefix(32))
                #expect(text.contains("lava-docker-worker install --url http://localhost --name w1 --token \(newToken)"))
                #expect(try await client.ping("w1", token: newToken, version: "2026.11").status == .ok)
                #expect(try await client.ping("w1", token: lab.workerToken, version: "2026.11").status != .ok, "the old token stopped working")
            }
        }
    }

    @Test("the log is shown a page at a time with absolute L<n> anchors; ?line=N finds its page; the live endpoint reads from N")
    func logPaging() async throws {
        try await withServer(.sqlite) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let (id, token) = try await server.startJob(client, lab)
                for batch in 0..<5 {
                    let lines = (0..<500).map { #"{"dt": "2026-11-24T22:46:13.0", "lvl": "\#($0 % 2 == 0 ? "info" : "debug")", "msg": "record \#(batch * 500 + $0)"}"# }
                    #expect(try await client.uploadLogs(id, token: token, lines: lines, index: batch * 500).status == .ok)
                }
                let visitor = PageVisitor(client)
                let running = try await visitor.get("/scheduler/job/\(id)")
                #expect(running.text.contains(#"id="L2000""#) && running.text.contains(#"id="L2499""#), "a running job opens on its last page")
                #expect(!running.text.contains(#"id="L1999""#))
                #expect(running.text.contains(#"data-next="2500" data-follow="1""#))
                let first = try await visitor.get("/scheduler/job/\(id)?start=0")
                #expect(first.text.contains(##"<code class="info" id="L0"><a class="ln" href="#L0">0</a>record 0</code>"##))
                #expect(first.text.contains(#"id="L999""#) && !first.text.contains(#"id="L1000""#))
                #expect(!first.text.contains("data-follow"), "an earlier page does not follow")
                #expect(first.text.contains(#"href="/scheduler/job/\#(id)?start=1000#log""#))
                let jump = try await visitor.get("/scheduler/job/\(id)?line=1500")
                #expect(jump.status == .seeOther)
                #expect(jump.headers[.location] == "/scheduler/job/\(id)?start=1000#L1500")
                for bad in ["?start=-1", "?start=9223372036854775807", "?line=9223372036854775807", "/log_pipeline_incremental?line=9223372036854775807",
                            "/log_pipeline_incremental?line=x"] {
                    #expect(try await visitor.get("/scheduler/job/\(id)\(bad)").status == .badRequest, "\(bad)")
                }

                let tail = try await visitor.get("/scheduler/job/\(id)/log_pipeline_incremental?line=2490")
                let records = try #require(try JSONSerialization.jsonObject(with: Data(buffer: tail.body)) as? [[String: Any]])
                #expect(records.map { $0["n"] as? Int } == Array(2490..<2500))
                #expect(records.first?["msg"] as? String == "record 2490")
                #expect(tail.headers[HTTPField.Name("X-Is-Finished")!] == "0")
                #expect(tail.headers[.cacheControl] == "no-store")
                let batch = try JSONSerialization.jsonObject(with: Data(buffer: try await visitor.get("/scheduler/job/\(id)/log_pipeline_incremental?line=0").body)) as? [Any]
                #expect(batch?.count == JobLive.batch, "one answer holds at most a batch")
                let status = try await visitor.get("/scheduler/job/\(id)/job_status").json()
                #expect(status["state"] as? String == "Running")
                #expect(status["log_records"] as? Int == 2500)

                // A message longer than a page shows keeps its level; the raw log has it whole.
                let long = String(repeating: "x", count: 200_000)
                #expect(try await client.uploadLogs(id, token: token, lines: [#"{"dt": "2026-11-24T22:46:13.0", "lvl": "error", "msg": "\#(long)"}"#], index: 2500).status == .ok)
                let last = try await visitor.get("/scheduler/job/\(id)?start=2500")
                #expect(last.text.contains(#"<code class="error" id="L2500">"#))
                #expect(last.text.contains("the raw log has the whole line]"))
                let raw = try await visitor.get("/scheduler/job/\(id)/log_file/plain")
                #expect(raw.status == .ok && raw.headers[.contentType] == "text/plain; charset=utf-8")
                #expect(raw.text.hasPrefix(#"- {"dt": "2026-11-24T22:46:13.0", "lvl": "info", "msg": "record 0"}"#) && raw.text.contains(long))
            }
        }
    }

    @Test("the fleet shows a worker at a version the server refuses as mismatched, and filters on it", arguments: Backend.all)
    func mismatch(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            _ = try await Lab.make(server)
            let stale = try await server.inventory.addWorker("stale")
            try await server.live { client in
                _ = try await client.ping("stale", token: stale, version: "2025.01")
                let visitor = PageVisitor(client)
                let fleet = try await visitor.get("/scheduler/allworkers").text
                #expect(fleet.contains(#"<tr data-worker="stale" class="mismatch">"#), "\(fleet)")
                #expect(fleet.contains(#"2025.01 <span class="badge mismatch">mismatch</span>"#))
                #expect(fleet.contains(#"<tr data-worker="w1" class="">"#))
                let filtered = try await visitor.get("/scheduler/allworkers?mismatch=1").text
                #expect(filtered.contains(#"data-worker="stale""#) && !filtered.contains(#"data-worker="w1""#))
                #expect(try await visitor.get("/").text.contains(#"<span id="workers-mismatched" class="mismatch">1</span>"#))
            }
        }
    }

    @Test("the submit page: signed-in users only; a refused definition comes back with the error beside the line it names")
    func submitPage() async throws {
        try await withServer(.sqlite) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let anonymous = PageVisitor(client)
                let form = try await anonymous.get("/accounts/login/")
                #expect(try await anonymous.post("/scheduler/jobsubmit", [("csrf_token", try PageVisitor.csrf(in: form)), ("definition", dockerJob())]).status == .unauthorized)

                let alice = PageVisitor(client)
                try await alice.signIn("alice", token: lab.userToken)
                let token = try PageVisitor.csrf(in: try await alice.get("/scheduler/jobsubmit"))
                let bad = dockerJob(priority: "urgent <b>")
                let refused = try await alice.post("/scheduler/jobsubmit", [("csrf_token", token), ("definition", bad)])
                #expect(refused.status == .badRequest)
                let line = try #require(bad.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("priority:") }) + 1
                #expect(refused.text.contains(#"<li id="line-\#(line)" class="error-line"><code>priority: urgent &lt;b&gt;</code><p class="error-message" id="error-message">"#), "\(refused.text)")
                #expect(refused.text.contains("&#39;priority&#39; must be high, medium, low"))
                // After the textarea's own line break, which HTML drops, so a definition's first one stays.
                #expect(refused.text.contains("spellcheck=\"false\">\ndevice_type: docker\njob_name: smoke\npriority: urgent &lt;b&gt;\n"), "the definition is kept for the next try")
                #expect(try await client.rest(.get, "/api/v0.2/jobs/", token: lab.adminToken).json()["count"] as? Int == 0, "nothing stored")

                // Only the lines around the error are listed, however long the definition.
                let padded = String(repeating: "# padding\n", count: 500) + bad + "\n" + String(repeating: "# more\n", count: 500)
                let window = try await alice.post("/scheduler/jobsubmit", [("csrf_token", token), ("definition", padded)])
                let errorLine = 500 + line
                #expect(window.text.contains(#"<ol class="definition-lines" id="definition-lines" start="\#(errorLine - 20)">"#))
                #expect(window.text.contains(#"<li id="line-\#(errorLine)" class="error-line">"#))
                #expect(window.text.contains(#"id="line-\#(errorLine + 20)""#) && !window.text.contains(#"id="line-\#(errorLine + 21)""#))
                #expect(!window.text.contains(#"id="line-\#(errorLine - 21)""#))

                let accepted = try await alice.post("/scheduler/jobsubmit", [("csrf_token", token), ("definition", dockerJob(name: "from the page"))])
                #expect(accepted.status == .seeOther)
                let location = try #require(accepted.headers[.location])
                let id = try #require(Int(location.replacingOccurrences(of: "/scheduler/job/", with: "")))
                #expect(try await server.job(id)?.submitter == "alice")
                #expect(try await server.job(id)?.description == "from the page")
            }
        }
    }

    @Test("templates escape everything they show: no {{{…}}} or {{&…}} in server/templates")
    func templatesEscape() throws {
        let directory = PackageFiles.url("server/templates")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".mustache") }
        #expect(names.count >= 10)
        for name in names {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            #expect(!text.contains("{{{") && !text.contains("{{&"), "\(name)")
            #expect(!text.contains("style=\"") && !text.contains("<script>") && text.firstMatch(of: /\son[a-z]+=/) == nil,
                    "\(name): the CSP forbids inline scripts, styles and handlers")
        }
    }
}

/// The pages' pure parts.
@Suite struct WebPagePartsTests {
    @Test("an error is placed at the line a parser names, else at the key it quotes, else nowhere")
    func errorLine() {
        let yaml = "device_type: docker\njob_name: x\npriority: urgent\ntimeouts:\n  job: {minutes: 1}"
        #expect(DefinitionErrorLine.find("job definition: 'priority' must be high", in: yaml) == 3)
        #expect(DefinitionErrorLine.find("not valid YAML: error at line 4, column 2", in: yaml) == 4)
        #expect(DefinitionErrorLine.find("not valid YAML: line 99", in: yaml) == nil)
        #expect(DefinitionErrorLine.find("'actions' is required", in: yaml) == nil)
        #expect(DefinitionErrorLine.find("'job' must be", in: yaml) == 5)
        #expect(DefinitionErrorLine.find("'priority' must be", in: yaml.replacingOccurrences(of: "\n", with: "\r\n")) == 3, "a browser's CR LF")
    }

    @Test("log records become a fixed level class and their message; what does not parse shows as it is")
    func logLines() {
        let info = LogLineView(storedLine: #"- {"dt": "2026", "lvl": "info", "msg": "hi <there>"}"#, number: 7)
        #expect(info == LogLineView(storedLine: #"- {"dt": "2026", "lvl": "info", "msg": "hi <there>"}"#, number: 7))
        #expect(info.level == "info" && info.text == "hi <there>" && info.number == 7)
        var html: [UInt8] = []
        info.appendHTML(to: &html)
        #expect(String(decoding: html, as: UTF8.self) == ##"<code class="info" id="L7"><a class="ln" href="#L7">7</a>hi &lt;there&gt;</code>"## + "\n")
        let result = LogLineView(storedLine: #"- {"dt": "2026", "lvl": "results", "msg": {"definition": "0_s", "case": "speed", "result": "pass", "measurement": 4.5, "units": "MB/s"}}"#, number: 1)
        #expect(result.level == "results")
        #expect(result.text == "0_s.speed: pass 4.5 MB/s")
        #expect(LogLineView(storedLine: #"- {"lvl": "bogus", "msg": "x"}"#, number: 0).level == "other")
        let broken = LogLineView(storedLine: "not yaml {", number: 0)
        #expect(broken.level == "other" && broken.text == "not yaml {")
        let long = LogLineView(storedLine: #"- {"lvl": "target", "msg": ""# + String(repeating: "a", count: 100_000) + #""}"#, number: 0)
        #expect(long.text.utf8.count < LogLineView.maxShown + 100 && long.text.hasSuffix("the raw log has the whole line]"))
    }

    @Test("after sign-in only a path of this server", arguments: [
        ("/scheduler/job/1", "/scheduler/job/1"), ("//evil.example/", "/"), ("https://evil.example", "/"),
        ("/\\evil.example", "/"), ("/a\nb", "/"), ("", "/"),
    ])
    func destination(_ text: String, _ expected: String) {
        #expect(SignInPages.destination(text) == expected)
    }

    @Test("times, ages and durations as the pages write them")
    func format() {
        #expect(PageFormat.time(0) == "1970-01-01 00:00:00 UTC")
        #expect(PageFormat.age(nil, now: 10) == "never")
        #expect(PageFormat.age(95, now: 100) == "5 s ago")
        #expect(PageFormat.duration(3725) == "1 h 2 min")
        #expect(PageFormat.duration(start: 10, end: nil, now: 100) == "1 min 30 s")
        #expect(HTMLEscaping.escaped(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    }
}
