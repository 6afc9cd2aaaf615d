import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LavaCore
@testable import LavaServer
import Testing

/// Every refusal answers LAVA's status and text, and stores nothing.
@Suite struct BadInputTests {
    @Test("worker API refusals", arguments: Backend.all)
    func workerAPI(_ backend: Backend) async throws {
        try await withServer(backend, configure: { $0.maxLogUploadBytes = 4096 }) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                func expect(_ response: TestResponse, _ status: HTTPResponse.Status, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
                    #expect(response.status == status, sourceLocation: sourceLocation)
                    #expect(response.text == text, sourceLocation: sourceLocation)
                }
                expect(try await client.ping("ghost", token: nil, version: "2026.11"), .notFound, #"{"error":"Unknown worker 'ghost'"}"#)
                expect(try await client.ping("w1", token: nil, version: "2026.11"), .badRequest, #"{"error":"Missing 'token'"}"#)
                expect(try await client.ping("w1", token: "wrong", version: "2026.11"), .badRequest, #"{"error":"Invalid 'token'"}"#)
                expect(try await client.ping("w1", token: lab.workerToken, version: nil), .badRequest, #"{"error":"Missing 'version'"}"#)
                #expect(try await server.worker("w1")?.version == nil, "a refused ping stores nothing")

                expect(try await client.getJob(999, token: "x"), .notFound, #"{"error":"Unknown job '999'"}"#)
                _ = try await client.ping("w1", token: lab.workerToken, version: "2026.11")
                let submitted = try await client.submit(dockerJob(), token: lab.userToken)
                let id = try #require((try submitted.json()["job_ids"] as? [Int])?.first)
                _ = try await server.schedule()
                let token = try #require(try await server.job(id)?.token)
                expect(try await client.getJob(id, token: nil), .badRequest, #"{"error":"Missing 'token'"}"#)
                expect(try await client.getJob(id, token: lab.workerToken), .badRequest, #"{"error":"Invalid 'token'"}"#)

                let state = "/scheduler/internal/v1/jobs/\(id)/"
                expect(try await client.postForm(state, token: token, [("state", "bogus")]), .badRequest, #"{"error":"Invalid state 'Bogus'"}"#)
                expect(try await client.postForm(state, token: token, [("state", "SUBMITTED")]), .badRequest, #"{"error":"Not handled state 'Submitted'"}"#)
                expect(try await client.postForm(state, token: token, [("state", "FINISHED"), ("result", "meh")]), .badRequest, #"{"error":"Invalid health 'meh'"}"#)
                #expect(try await server.job(id)?.state == .scheduled)

                let logs = "/scheduler/internal/v1/jobs/\(id)/logs/"
                expect(try await client.postForm(logs, token: token, [("index", "0")]), .badRequest, #"{"error":"Missing 'lines'"}"#)
                expect(try await client.postForm(logs, token: token, [("lines", "- {\"lvl\": \"info\", \"msg\": \"x\"}")]), .badRequest, #"{"error":"Missing 'index'"}"#)
                expect(try await client.postForm(logs, token: token, [("lines", "- {\"lvl\": \"info\", \"msg\": \"x\"}"), ("index", "one")]), .badRequest, #"{"error":"Invalid 'index'"}"#)
                let malformed = try await client.postForm(logs, token: token, [("lines", "- {\"lvl\": \"info\", \"msg\": \"ok\"}\n- not a mapping"), ("index", "0")])
                #expect(malformed.status == .badRequest)
                #expect(malformed.text.contains("Invalid 'lines'"))
                let huge = try await client.uploadLogs(id, token: token, lines: [String(repeating: "x", count: 5000)], index: 0)
                expect(huge, .contentTooLarge, "The dataset provided is too large. Please reduce size and try again.")
                let job = try #require(try await server.job(id))
                #expect(try await server.server.logs.lineCount(job.logKey) == 0, "no refused batch stored a line")

                expect(try await client.postForm("/scheduler/internal/v1/workers/w1/", token: nil, [("name", "w1")]), .forbidden, #"{"error":"POST is forbidden for such url"}"#)
                let wrongMethod = try await client.executeRequest(uri: "/scheduler/internal/v1/jobs/\(id)/logs/", method: .get, headers: [:], body: nil)
                #expect(wrongMethod.status == .methodNotAllowed)
                #expect(wrongMethod.headers[.allow] == "POST")
                #expect(try await client.executeRequest(uri: "/scheduler/internal/v1/workers/w1/", method: .delete, headers: [:], body: nil).status == .methodNotAllowed)
            }
        }
    }

    @Test("REST refusals", arguments: Backend.all)
    func restAPI(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let anonymous = try await client.rest(.post, "/api/v0.2/jobs/", token: nil, json: #"{"definition": "x"}"#)
                #expect(anonymous.status == .unauthorized)
                let wrong = try await client.rest(.get, "/api/v0.2/jobs/", token: "nope")
                #expect(wrong.status == .unauthorized)
                #expect(try wrong.json()["error"] as? String != nil)

                let malformed = try await client.submit("job_name: [unclosed", token: lab.userToken)
                #expect(malformed.status == .badRequest)
                #expect((try malformed.json()["error"] as? String)?.contains("Invalid job definition") == true)
                let unknownType = try await client.submit(dockerJob(deviceType: "nosuch"), token: lab.userToken)
                #expect(unknownType.status == .badRequest)
                #expect((try unknownType.json()["message"] as? String)?.contains("Unknown device type 'nosuch'") == true)
                let jobs = try await client.rest(.get, "/api/v0.2/jobs/", token: nil).json()
                #expect(jobs["count"] as? Int == 0, "refused submissions store nothing")

                #expect(try await client.rest(.get, "/api/v0.2/jobs/12345/", token: nil).status == .notFound)
                #expect(try await client.rest(.get, "/api/v0.2/jobs/?state=Bogus", token: nil).status == .badRequest)
                let notAdmin = try await client.rest(.post, "/api/v0.2/devicetypes/", token: lab.userToken, json: #"{"name": "qemu"}"#)
                #expect(notAdmin.status == .forbidden)
                let duplicate = try await client.rest(.post, "/api/v0.2/devicetypes/", token: lab.adminToken, json: #"{"name": "docker"}"#)
                #expect(duplicate.status == .conflict)
                let orphan = try await client.rest(.post, "/api/v0.2/devices/", token: lab.adminToken,
                                                   json: #"{"hostname": "d2", "device_type": "docker", "worker_host": "ghost"}"#)
                #expect(orphan.status == .badRequest)
                #expect((try orphan.json()["error"] as? String)?.contains("Unknown worker 'ghost'") == true)
            }
        }
    }
}
