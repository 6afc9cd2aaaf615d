import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LavaCore
@testable import LavaServer
import Testing

/// Requests an attacker sends: each is refused with a clear error, stores nothing, and the server
/// goes on answering.
@Suite struct HostileRequestTests {
    @Test("integers from a request are bounded: paging and log ranges cannot overflow", arguments: Backend.all)
    func boundedIntegers(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let (id, token) = try await server.startJob(client, lab)
                #expect(try await client.uploadLogs(id, token: token, lines: [LogUploadTests.line(0)], index: 0).status == .ok)
                for path in ["/api/v0.2/jobs/?offset=9223372036854775807", "/api/v0.2/devicetypes/?offset=9223372036854775800",
                             "/api/v0.2/devices/?offset=9223372036854775807", "/api/v0.2/workers/?offset=9223372036854775807",
                             "/api/v0.2/jobs/?limit=9223372036854775807", "/api/v0.2/jobs/\(id)/tests/?offset=9223372036854775807",
                             "/api/v0.2/jobs/?offset=-1", "/api/v0.2/jobs/?limit=0"] {
                    let response = try await client.rest(.get, path, token: nil)
                    #expect(response.status == .badRequest, "\(path)")
                    #expect((try response.json()["error"] as? String)?.contains("give a whole number from") == true, "\(path): \(response.text)")
                }
                for query in ["start=9223372036854775807", "end=9223372036854775807", "start=-1", "start=one"] {
                    let response = try await client.rest(.get, "/api/v0.2/jobs/\(id)/logs/?\(query)", token: nil)
                    #expect(response.status == .badRequest, "\(query)")
                }
                let huge = try await client.uploadLogs(id, token: token, lines: [LogUploadTests.line(1)], index: Int.max)
                #expect(huge.status == .badRequest)
                #expect(huge.text == #"{"error":"Invalid 'index'"}"#)

                // The largest page is a page, as in Django REST framework.
                let clamped = try await client.rest(.get, "/api/v0.2/jobs/?limit=100000", token: nil).json()
                #expect(clamped["count"] as? Int == 1)
                #expect(try await client.rest(.get, "/api/v0.2/system/version/", token: nil).status == .ok, "still serving")
            }
        }
    }

    @Test("a results record cannot name a metadata file outside its job's directory", arguments: Backend.all)
    func metadataPathEscape(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let (id, token) = try await server.startJob(client, lab)
                let job = try #require(try await server.job(id))
                let configDirectory = server.server.configuration.configDirectory
                // <definition>-<case>-<level>.yaml, from metadata/ up into the configuration
                // directory (the data directory's etc/ here), and simpler escapes.
                let escapes = [
                    ("x", "../../../../../../../../etc/dispatcher.d/w1/env", "dut"),
                    ("lava", "../x", "1"),
                    ("lava", "case", "1/../../../../escaped"),
                ]
                for (definition, name, level) in escapes {
                    let line = #"{"dt": "2026-11-24T22:46:14.0", "lvl": "results", "msg": {"definition": "\#(definition)", "case": "\#(name)", "level": "\#(level)", "result": "pass", "extra": {"dispatcher_ip": "192.0.2.66"}}}"#
                    let response = try await client.uploadLogs(id, token: token, lines: [LogUploadTests.line(0), line], index: 0)
                    #expect(response.status == .badRequest, "\(definition) \(name) \(level)")
                    #expect(response.text.contains("cannot be used as a file name: it contains '/'"), "\(response.text)")
                }
                #expect(try await server.server.logs.lineCount(job.logKey) == 0, "a refused batch stores no line")
                #expect(!FileManager.default.fileExists(atPath: configDirectory.appendingPathComponent("dispatcher.d/w1/env-dut.yaml").path))
                let written = FileManager.default.enumerator(atPath: server.scratch.directory.path)?
                    .compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") } ?? []
                #expect(written.isEmpty, "nothing was written: \(written)")
                let fetched = try await client.getJob(id, token: token).json()
                #expect(fetched["env-dut"] as? String == "", "the worker's next job gets nothing planted")
                #expect(try await server.server.database.read { try await TestCaseStore.list($0, jobID: id, limit: 10, offset: 0) }.count == 0)
            }
        }
    }

    @Test("names of workers, devices, device types, users and groups are checked", arguments: [Backend.sqlite])
    func names(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let inventory = server.inventory
            for name in [String(repeating: "w", count: 60_000), ".", "..", "a/b", "", "x\u{0}y", "évian"] {
                await #expect(throws: AdminError.self, "\(name.prefix(10))") { _ = try await inventory.addWorker(name) }
                await #expect(throws: AdminError.self) { try await inventory.addDeviceType(name) }
                await #expect(throws: AdminError.self) { _ = try await inventory.addUser(name, isAdmin: false) }
                await #expect(throws: AdminError.self) { try await inventory.addGroup(name) }
            }
            // LAVA's device types are slugs: no '.'.
            await #expect(throws: AdminError.self) { try await inventory.addDeviceType("qemu.x86") }
            #expect(try await inventory.workers().isEmpty)
            try await server.live { client in
                let long = try await client.postForm("/scheduler/internal/v1/workers/", token: nil, [("name", String(repeating: "w", count: 60_000))])
                #expect(long.status == .badRequest)
                #expect(long.text.contains("at most 200 characters"))
                let dots = try await client.postForm("/scheduler/internal/v1/workers/", token: nil, [("name", "..")])
                #expect(dots.status == .badRequest)
            }
            #expect(try await inventory.workers().isEmpty, "nothing registered")
            let token = try await inventory.addWorker("w1")
            try await server.live { client in
                let long = try await client.ping("w1", token: token, version: String(repeating: "9", count: 51))
                #expect(long.status == .badRequest)
                #expect(long.text == #"{"error":"Invalid 'version': at most 50 characters"}"#)
            }
            #expect(try await server.worker("w1")?.version == nil, "a refused ping stores nothing")
        }
    }

    @Test("only admins register workers with a name and token", arguments: Backend.all)
    func registrationNeedsAnAdmin(_ backend: Backend) async throws {
        try await withServer(backend, configure: { $0.autoRegisterNetworks = [] }) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let path = "/scheduler/internal/v1/workers/"
                let refused = try await client.postForm(path, token: nil, [("name", "w2"), ("username", "alice"), ("password", lab.userToken)])
                #expect(refused.status == .forbidden)
                #expect(refused.text == #"{"error":"Only admins may register workers; 'alice' is not one"}"#)
                #expect(try await server.worker("w2") == nil)
                let taken = try await client.postForm(path, token: nil, [("name", "w1"), ("username", "alice"), ("password", lab.userToken)])
                #expect(taken.status == .forbidden, "nor take an existing worker's token")
                let accepted = try await client.postForm(path, token: nil, [("name", "w2"), ("username", "admin"), ("password", lab.adminToken)])
                #expect(accepted.status == .ok)
                #expect(try await server.worker("w2") != nil)
            }
        }
    }

    @Test("X-Forwarded-For is believed only from a trusted proxy", arguments: [Backend.sqlite])
    func forwardedFor(_ backend: Backend) async throws {
        let network = try IPNetwork(parsing: "10.99.0.0/16")
        @Sendable func register(_ client: any TestClientProtocol, _ name: String, forwardedFor: String) async throws -> TestResponse {
            try await client.executeRequest(
                uri: "/scheduler/internal/v1/workers/", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", HTTPField.Name("X-Forwarded-For")!: forwardedFor],
                body: ByteBuffer(string: FormEncoding.encode([("name", name)])))
        }
        try await withServer(backend, configure: { $0.autoRegisterNetworks = [network] }) { server in
            try await server.live { client in
                let spoofed = try await register(client, "w1", forwardedFor: "10.99.0.5")
                #expect(spoofed.status == .forbidden)
                #expect(spoofed.text == #"{"error":"Auto registration is forbidden for '127.0.0.1'"}"#)
                #expect(try await server.worker("w1") == nil)
            }
        }
        let loopback = try IPNetwork(parsing: "127.0.0.0/8")
        try await withServer(backend, configure: { $0.autoRegisterNetworks = [network]; $0.trustedProxies = [loopback] }) { server in
            try await server.live { client in
                let proxied = try await register(client, "w1", forwardedFor: "10.99.0.5")
                #expect(proxied.status == .ok)
                #expect(try await server.worker("w1")?.description == "Auto registered by 10.99.0.5")
                // haproxy appends the address it saw to what the client sent: that one is believed.
                let throughProxy = try await register(client, "w2", forwardedFor: "10.99.0.5, 192.0.2.7")
                #expect(throughProxy.text == #"{"error":"Auto registration is forbidden for '192.0.2.7'"}"#)
            }
        }
    }

    @Test("the client address skips trusted proxies from the right")
    func clientAddress() throws {
        let proxies = [try IPNetwork(parsing: "10.0.0.0/8")]
        #expect(ClientAddress.resolve(peer: "192.0.2.1", forwardedFor: ["10.99.0.5"], trustedProxies: proxies) == "192.0.2.1")
        #expect(ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: [], trustedProxies: proxies) == "10.0.0.1")
        #expect(ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: ["192.0.2.9, 10.0.0.2"], trustedProxies: proxies) == "192.0.2.9")
        #expect(ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: ["198.51.100.1", "192.0.2.9"], trustedProxies: proxies) == "192.0.2.9")
        #expect(ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: ["10.0.0.3, 10.0.0.2"], trustedProxies: proxies) == "10.0.0.3")
        #expect(ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: [""], trustedProxies: proxies) == nil, "a proxy that names no one")
        #expect(ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: ["192.0.2.9,"], trustedProxies: proxies) == nil)
        #expect(ClientAddress.resolve(peer: nil, forwardedFor: ["192.0.2.9"], trustedProxies: proxies) == nil)
    }

    @Test("a job token is dead once its job has finished, and before it was scheduled", arguments: Backend.all)
    func tokensOutliveNoJob(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let (id, token) = try await server.startJob(client, lab)
                let state = "/scheduler/internal/v1/jobs/\(id)/"
                let finished = try await client.postForm(state, token: token, [("state", "FINISHED"), ("result", "pass"), ("description", "first")])
                #expect(finished.status == .ok)
                let job = try #require(try await server.job(id))
                #expect(job.health == .complete)
                let unknown = #"{"error":"Unknown job '\#(id)'"}"#

                let late = try await client.uploadLogs(id, token: token, lines: [LogUploadTests.line(0)], index: 0)
                #expect(late.status == .notFound)
                #expect(late.text == unknown)
                #expect(try await server.server.logs.lineCount(job.logKey) == 0)
                let again = try await client.postForm(state, token: token, [("state", "FINISHED"), ("result", "fail"), ("description", "second")])
                #expect(again.text == unknown, "LAVA's worker takes this exact 404 as accepted")
                #expect(try await server.server.logs.file(job.logKey, .description) == "first")
                #expect(try await server.job(id)?.health == .complete)
                #expect(try await client.postForm(state, token: token, [("state", "RUNNING")]).text == unknown)
                #expect(try await client.getJob(id, token: token).text == unknown, "no fetching the secrets afterwards")

                // A job no worker was handed: its token cannot end it.
                let submitted = try await client.submit(dockerJob(name: "queued", deviceType: "docker"), token: lab.userToken)
                let queued = try #require((try submitted.json()["job_ids"] as? [Int])?.first)
                let queuedToken = try #require(try await server.job(queued)?.token)
                let early = try await client.postForm("/scheduler/internal/v1/jobs/\(queued)/", token: queuedToken, [("state", "FINISHED"), ("result", "pass")])
                #expect(early.status == .notFound)
                #expect(try await server.job(queued)?.state == .submitted)
                #expect(try await server.job(queued)?.health == .unknown)
            }
        }
    }

    @Test("a resent results line counts only where it is the line stored under its number", arguments: Backend.all)
    func resentResults(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let (id, token) = try await server.startJob(client, lab)
                let job = try #require(try await server.job(id))
                func result(_ name: String) -> String {
                    #"{"dt": "2026-11-24T22:46:14.0", "lvl": "results", "msg": {"definition": "0_smoke", "case": "\#(name)", "result": "pass"}}"#
                }
                let batch = (0..<3).map { LogUploadTests.line($0) }
                #expect(try await client.uploadLogs(id, token: token, lines: batch, index: 0).status == .ok)
                // "Resent" at index 0: line 0 is a tick, not this result.
                let forged = try await client.uploadLogs(id, token: token, lines: [result("forged")], index: 0)
                #expect(forged.status == .ok)
                #expect(forged.text == #"{"line_count":1}"#)
                var cases = try await server.server.database.read { try await TestCaseStore.list($0, jobID: id, limit: 10, offset: 0) }
                #expect(cases.count == 0)
                #expect(try await server.server.logs.lineCount(job.logKey) == 3)

                // The server stored a batch's lines and lost its test cases (a crash in between):
                // the honest resend brings them.
                _ = try await server.server.logs.append(job.logKey, index: 3, lines: ["- " + result("real")], by: .worker)
                #expect(try await client.uploadLogs(id, token: token, lines: [result("real")], index: 3).status == .ok)
                cases = try await server.server.database.read { try await TestCaseStore.list($0, jobID: id, limit: 10, offset: 0) }
                #expect(cases.cases.map(\.record.name) == ["real"])
                #expect(cases.cases.map(\.logLine) == [3])
            }
        }
    }
}
