import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LavaCore
@testable import LavaServer
import Testing

/// Who sees a job, its log and its results (LAVA's `can_view`), and that `secrets` reach no one
/// but the worker that runs the job.
@Suite struct VisibilityTests {
    static func job(visibility: String, secret: String? = nil) -> String {
        var definition = dockerJob().replacingOccurrences(of: "visibility: public", with: "visibility: \(visibility)")
        if let secret { definition += "\nsecrets:\n  API_KEY: \(secret)\n" }
        return definition
    }

    @Test("a personal job and its secret are shown to its submitter and admins only, the secret to no one", arguments: Backend.all)
    func personal(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            let bob = try await server.inventory.addUser("bob", isAdmin: false)
            let secret = "s3cr3t-\(UUID().uuidString)"
            try await server.live { client in
                let (id, token) = try await server.startJob(client, lab, definition: Self.job(visibility: "personal", secret: secret))
                let result = #"{"dt": "2026-11-24T22:46:14.0", "lvl": "results", "msg": {"definition": "0_smoke", "case": "ok", "result": "pass"}}"#
                #expect(try await client.uploadLogs(id, token: token, lines: [result], index: 0).status == .ok)

                for viewer in [nil, bob] {
                    for path in ["/api/v0.2/jobs/\(id)/", "/api/v0.2/jobs/\(id)/logs/", "/api/v0.2/jobs/\(id)/tests/"] {
                        let response = try await client.rest(.get, path, token: viewer)
                        #expect(response.status == .notFound, "\(path) for \(viewer == nil ? "anonymous" : "bob")")
                        #expect(response.text == #"{"error":"Unknown job '\#(id)'"}"#)
                    }
                    let list = try await client.rest(.get, "/api/v0.2/jobs/", token: viewer)
                    #expect(try list.json()["count"] as? Int == 0)
                    #expect(!list.text.contains(secret))
                    #expect(try await client.rest(.get, "/api/v0.2/jobs/\(id)/cancel/", token: bob).status == .notFound)
                }
                for viewer in [lab.userToken, lab.adminToken] {
                    let shown = try await client.rest(.get, "/api/v0.2/jobs/\(id)/", token: viewer)
                    #expect(shown.status == .ok)
                    let definition = try #require(try shown.json()["definition"] as? String)
                    #expect(!definition.contains(secret))
                    #expect(definition.contains("API_KEY: '[MASKED]'") || definition.contains("API_KEY: \"[MASKED]\""), "\(definition)")
                    #expect(definition.contains("job_name: smoke"))
                    let list = try await client.rest(.get, "/api/v0.2/jobs/", token: viewer)
                    #expect(try list.json()["count"] as? Int == 1)
                    #expect(!list.text.contains(secret))
                    #expect(try await client.rest(.get, "/api/v0.2/jobs/\(id)/tests/", token: viewer).json()["count"] as? Int == 1)
                }
                let fetched = try await client.getJob(id, token: token)
                #expect((try fetched.json()["definition"] as? String)?.contains(secret) == true, "the worker gets the real value")
            }
        }
    }

    @Test("a group job is shown to members of all its groups", arguments: Backend.all)
    func groups(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            let inventory = server.inventory
            let bob = try await inventory.addUser("bob", isAdmin: false)
            let carol = try await inventory.addUser("carol", isAdmin: false)
            try await inventory.addGroup("lab")
            try await inventory.addGroup("qa")
            try await inventory.setMembership(group: "lab", user: "bob", member: true)
            try await inventory.setMembership(group: "qa", user: "bob", member: true)
            try await inventory.setMembership(group: "lab", user: "carol", member: true)
            try await server.live { client in
                let unknown = try await client.submit(Self.job(visibility: "{group: [nosuch]}"), token: lab.userToken)
                #expect(unknown.status == .badRequest)
                #expect((try unknown.json()["message"] as? String)?.hasPrefix("No known groups were found in the visibility list") == true)
                #expect(try await client.rest(.get, "/api/v0.2/jobs/", token: lab.adminToken).json()["count"] as? Int == 0, "nothing stored")

                // Unknown names are dropped, as LAVA does: this job is for members of lab and qa.
                let submitted = try await client.submit(Self.job(visibility: "{group: [lab, qa, nosuch]}"), token: lab.userToken)
                let id = try #require((try submitted.json()["job_ids"] as? [Int])?.first, "\(submitted.text)")
                let shown = try await client.rest(.get, "/api/v0.2/jobs/\(id)/", token: bob)
                #expect(shown.status == .ok)
                #expect(try shown.json()["viewing_groups"] as? [String] == ["lab", "qa"])
                let listed = try await client.rest(.get, "/api/v0.2/jobs/", token: bob).json()["results"] as? [[String: Any]]
                #expect(listed?.first?["viewing_groups"] as? [String] == ["lab", "qa"])
                #expect(try await client.rest(.get, "/api/v0.2/jobs/", token: bob).json()["count"] as? Int == 1)
                #expect(try await client.rest(.get, "/api/v0.2/jobs/\(id)/", token: carol).status == .notFound, "carol is not in qa")
                #expect(try await client.rest(.get, "/api/v0.2/jobs/", token: carol).json()["count"] as? Int == 0)
                #expect(try await client.rest(.get, "/api/v0.2/jobs/\(id)/", token: nil).status == .notFound)

                try await inventory.setMembership(group: "qa", user: "carol", member: true)
                #expect(try await client.rest(.get, "/api/v0.2/jobs/\(id)/", token: carol).status == .ok, "membership counts at once")
                try await inventory.setMembership(group: "lab", user: "bob", member: false)
                #expect(try await client.rest(.get, "/api/v0.2/jobs/", token: bob).json()["count"] as? Int == 0)
            }
        }
    }

    @Test("a secrets key spelt with an escape is masked all the same", arguments: [Backend.sqlite])
    func escapedSecretsKey(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let secret = "s3cr3t-\(UUID().uuidString)"
                let definition = Self.job(visibility: "personal") + "\n\"secr\\u0065ts\": {API_KEY: \(secret)}\n"
                let (id, token) = try await server.startJob(client, lab, definition: definition)
                let shown = try await client.rest(.get, "/api/v0.2/jobs/\(id)/", token: lab.userToken)
                #expect(shown.status == .ok)
                #expect(!shown.text.contains(secret))
                #expect(shown.text.contains("[MASKED]"))
                #expect(try await client.getJob(id, token: token).text.contains(secret), "it is the job's secrets for the worker")
            }
        }
    }

    @Test("jobs from before visibility was kept get their definition's visibility; until then none is public", arguments: Backend.all)
    func backfill(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            let (publicJob, personalJob) = try await server.live { client in
                let first = try await client.submit(dockerJob(), token: lab.userToken)
                let second = try await client.submit(Self.job(visibility: "personal", secret: "x"), token: lab.userToken)
                return (try #require((try first.json()["job_ids"] as? [Int])?.first), try #require((try second.json()["job_ids"] as? [Int])?.first))
            }
            // As the migration's new column leaves the jobs of before.
            try await server.server.database.write { try await $0.raw("UPDATE jobs SET visibility = ''").run() }
            #expect(try await server.job(publicJob)?.visibility == .personal, "unknown reads as personal")
            try await server.server.database.write { try await VisibilityBackfill.run($0) }
            #expect(try await server.job(publicJob)?.visibility == .public)
            #expect(try await server.job(personalJob)?.visibility == .personal)
        }
    }

    @Test("public jobs stay open to anyone")
    func publicJob() async throws {
        try await withServer(.sqlite) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let submitted = try await client.submit(dockerJob(), token: lab.userToken)
                let id = try #require((try submitted.json()["job_ids"] as? [Int])?.first)
                let shown = try await client.rest(.get, "/api/v0.2/jobs/\(id)/", token: nil)
                #expect(shown.status == .ok)
                #expect(try shown.json()["definition"] as? String == dockerJob(), "a definition without secrets is shown as submitted")
            }
        }
    }
}
