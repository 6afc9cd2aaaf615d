import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LavaCore
@testable import LavaServer
import Testing

@Suite struct RESTTests {
    @Test("submit, list, show, cancel; workers, devices and device types", arguments: Backend.all)
    func jobsAndInventory(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let whoami = try await client.rest(.get, "/api/v0.2/system/whoami/", token: lab.userToken).json()
                #expect(whoami["user"] as? String == "alice")

                let submitted = try await client.submit(dockerJob(name: "listed"), token: lab.userToken)
                #expect(submitted.status == .created)
                #expect(try submitted.json()["message"] as? String == "job(s) successfully submitted")
                let id = try #require((try submitted.json()["job_ids"] as? [Int])?.first)

                let shown = try await client.rest(.get, "/api/v0.2/jobs/\(id)/", token: lab.userToken).json()
                #expect(shown["description"] as? String == "listed")
                #expect(shown["state"] as? String == "Submitted")
                #expect(shown["health"] as? String == "Unknown")
                #expect(shown["requested_device_type"] as? String == "docker")
                #expect(shown["submitter"] as? String == "alice")
                #expect(shown["priority"] as? Int == 50)
                #expect(shown["token"] == nil, "only admins see job tokens")
                #expect(shown["actual_device"] is NSNull, "absent values read null, as in LAVA")
                let asAdmin = try await client.rest(.get, "/api/v0.2/jobs/\(id)/", token: lab.adminToken).json()
                #expect(asAdmin["token"] as? String == (try await server.job(id))?.token)

                let list = try await client.rest(.get, "/api/v0.2/jobs/?state=Submitted", token: nil).json()
                #expect(list["count"] as? Int == 1)
                #expect(try await client.rest(.get, "/api/v0.2/jobs/?state=Running", token: nil).json()["count"] as? Int == 0)

                let other = try await server.inventory.addUser("mallory", isAdmin: false)
                #expect(try await client.rest(.get, "/api/v0.2/jobs/\(id)/cancel/", token: other).status == .forbidden)
                let cancel = try await client.rest(.get, "/api/v0.2/jobs/\(id)/cancel/", token: lab.userToken)
                #expect(cancel.status == .ok)
                #expect(try cancel.json()["message"] as? String == "Job cancel signal sent.")
                let canceled = try #require(try await server.job(id))
                #expect(canceled.state == .finished)
                #expect(canceled.health == .canceled)

                #expect(try await client.rest(.post, "/api/v0.2/devicetypes/", token: lab.adminToken, json: #"{"name": "qemu"}"#).status == .created)
                let device = try await client.rest(.post, "/api/v0.2/devices/", token: lab.adminToken,
                                                   json: #"{"hostname": "qemu-01", "device_type": "qemu", "worker_host": "w1"}"#)
                #expect(device.status == .created)
                let devices = try await client.rest(.get, "/api/v0.2/devices/", token: nil).json()
                #expect(devices["count"] as? Int == 2)
                let types = try await client.rest(.get, "/api/v0.2/devicetypes/", token: nil).json()
                #expect((types["results"] as? [[String: String]])?.map { $0["name"] } == ["docker", "qemu"])

                _ = try await client.ping("w1", token: lab.workerToken, version: "2026.11")
                let workers = try await client.rest(.get, "/api/v0.2/workers/", token: nil).json()
                let worker = try #require((workers["results"] as? [[String: Any]])?.first)
                #expect(worker["hostname"] as? String == "w1")
                #expect(worker["state"] as? String == "Online")
                #expect(worker["health"] as? String == "Active")
                #expect(worker["version"] as? String == "2026.11")
                #expect(worker["version_match"] as? Bool == true)
                #expect(worker["last_ping"] is String)
                #expect(worker["token"] == nil)
            }
        }
    }

    @Test("pages follow LAVA's limit/offset shape", arguments: [Backend.sqlite])
    func pagination(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                for n in 0..<5 { _ = try await client.submit(dockerJob(name: "j\(n)"), token: lab.userToken) }
                let page = try await client.rest(.get, "/api/v0.2/jobs/?limit=2&offset=2", token: nil).json()
                #expect(page["count"] as? Int == 5)
                #expect((page["results"] as? [[String: Any]])?.compactMap { $0["description"] as? String } == ["j2", "j1"])
                #expect(page["next"] as? String == "/api/v0.2/jobs/?limit=2&offset=4")
                #expect(page["previous"] as? String == "/api/v0.2/jobs/?limit=2&offset=0")
            }
        }
    }
}

@Suite struct RegistrationTests {
    @Test("anonymous registration from loopback, once; admins by name and API token", arguments: Backend.all)
    func register(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let path = "/scheduler/internal/v1/workers/"
                let registered = try await client.postForm(path, token: nil, [("name", "lab-host-1")])
                #expect(registered.status == .ok)
                let body = try registered.json()
                #expect(body["name"] as? String == "lab-host-1")
                let token = try #require(body["token"] as? String)
                #expect(token.count == 32)
                #expect(try await client.ping("lab-host-1", token: token, version: "2026.11").status == .ok)

                let again = try await client.postForm(path, token: nil, [("name", "lab-host-1")])
                #expect(again.status == .forbidden)
                #expect(again.text == #"{"error":"Worker 'lab-host-1' already registered"}"#)
                #expect(try await client.postForm(path, token: nil, []).text == #"{"error":"Missing 'name'"}"#)

                let forwarded = try await client.executeRequest(
                    uri: path, method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded", HTTPField.Name("X-Forwarded-For")!: "192.0.2.7"],
                    body: ByteBuffer(string: "name=remote"))
                // Without --trusted-proxy the header is anyone's to write, so it is ignored and the
                // peer (loopback) registers (HostileRequestTests has the trusted proxy).
                #expect(forwarded.status == .ok)
                #expect(try await server.worker("remote")?.description == "Auto registered by 127.0.0.1")

                let wrongUser = try await client.postForm(path, token: nil, [("name", "x"), ("username", "admin"), ("password", "wrong")])
                #expect(wrongUser.text == #"{"error":"Unknown user admin"}"#)
                let notAdmin = try await client.postForm(path, token: nil, [("name", "lab-host-1"), ("username", "alice"), ("password", lab.userToken)])
                #expect(notAdmin.status == .forbidden)
                let recovered = try await client.postForm(path, token: nil, [("name", "lab-host-1"), ("username", "admin"), ("password", lab.adminToken)])
                #expect(recovered.status == .ok)
                let newToken = try #require(try recovered.json()["token"] as? String)
                #expect(try await client.ping("lab-host-1", token: newToken, version: "2026.11").status == .ok)
                #expect(try await client.ping("lab-host-1", token: token, version: "2026.11").status == .badRequest)
            }
        }
    }

    @Test("registration can be turned off", arguments: [Backend.sqlite])
    func disabled(_ backend: Backend) async throws {
        try await withServer(backend, configure: { $0.workerAutoRegister = false }) { server in
            let response = try await server.live { try await $0.postForm("/scheduler/internal/v1/workers/", token: nil, [("name", "w9")]) }
            #expect(response.status == .forbidden)
            #expect(response.text == #"{"error":"Auto registration is disabled"}"#)
        }
    }
}

@Suite struct SystemTests {
    @Test("health, metrics and version", arguments: Backend.all)
    func healthAndMetrics(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let health = try await client.rest(.get, "/health", token: nil)
                #expect(health.status == .ok)
                #expect(health.text == #"{"health":"good"}"#)
                _ = try await client.ping("w1", token: lab.workerToken, version: "2026.11")
                _ = try await client.submit(dockerJob(), token: lab.userToken)
                let metrics = try await client.rest(.get, "/metrics", token: nil)
                #expect(metrics.status == .ok)
                #expect(metrics.text.contains(#"lava_workers{state="Online",version_match="true"} 1"#))
                #expect(metrics.text.contains(#"lava_jobs{state="Submitted"} 1"#))
                #expect(metrics.text.contains(#"lava_worker_pings_total{version_match="true"} 1"#))
                #expect(metrics.text.contains("lava_log_lines_stored_total"))
            }
        }
    }

    @Test("network masks")
    func networks() throws {
        #expect(IPNetwork.loopbackV4.contains("127.0.0.1"))
        #expect(IPNetwork.loopbackV4.contains("::ffff:127.0.0.1"))
        #expect(!IPNetwork.loopbackV4.contains("128.0.0.1"))
        #expect(IPNetwork.loopbackV6.contains("::1"))
        let lab = try IPNetwork(parsing: "10.1.0.0/16")
        #expect(lab.contains("10.1.200.3"))
        #expect(!lab.contains("10.2.0.1"))
        #expect(throws: ServerSetupError.self) { try IPNetwork(parsing: "10.0.0.0/33") }
    }

    @Test("tokens: 32 letters and digits, hashed, compared in full")
    func tokens() {
        let token = Token.generate()
        #expect(token.count == 32)
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber })
        #expect(Token.generate() != token)
        #expect(Token.matches(token, hash: Token.hash(token)))
        #expect(!Token.matches(token + "x", hash: Token.hash(token)))
        #expect(!Token.constantTimeEquals("abc", "abd"))
        #expect(!Token.constantTimeEquals("abc", "abcd"))
    }
}
