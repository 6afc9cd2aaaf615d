import Foundation
import HTTPTypes
import Hummingbird
import Hummingbird
import HummingbirdTesting
import LavaCore
import Testing
@testable import LavaServer

/// A small lab: an admin, a device type, a worker with its token and devices.
struct Lab: Sendable {
    let adminToken: String
    let userToken: String
    let workerToken: String
    let worker: String

    static func make(_ server: TestServer, worker: String = "w1", deviceType: String = "docker", devices: [String] = ["docker-01"]) async throws -> Lab {
        let inventory = server.inventory
        let admin = try await inventory.addUser("admin", isAdmin: true)
        let user = try await inventory.addUser("alice", isAdmin: false)
        let token = try await inventory.addWorker(worker)
        try await inventory.addDeviceType(deviceType)
        for device in devices {
            try await inventory.addDevice(name: device, type: deviceType, worker: worker)
        }
        return Lab(adminToken: admin, userToken: user, workerToken: token, worker: worker)
    }
}

extension TestServer {
    /// A job of the lab's user on its online worker, given a device by a scheduler pass and,
    /// when `running`, reported RUNNING by the worker: its id and job token.
    func startJob(_ client: any TestClientProtocol, _ lab: Lab, definition: String = dockerJob(), running: Bool = true) async throws -> (id: Int, token: String) {
        _ = try await client.ping(lab.worker, token: lab.workerToken, version: server.configuration.version)
        let submitted = try await client.submit(definition, token: lab.userToken)
        let id = try #require((try submitted.json()["job_ids"] as? [Int])?.first, "\(submitted.text)")
        #expect(try await schedule().jobsAssigned.contains(id))
        let token = try #require(try await job(id)?.token)
        if running {
            let reported = try await client.postForm("/scheduler/internal/v1/jobs/\(id)/", token: token, [("state", "RUNNING")])
            #expect(reported.status == .ok)
        }
        return (id, token)
    }
}

/// Requests as LAVA's worker and users send them.
extension TestClientProtocol {
    func ping(_ worker: String, token: String?, version: String?) async throws -> TestResponse {
        var headers: HTTPFields = [.userAgent: "lava-worker \(version ?? "")", .accept: "application/json"]
        if let token { headers[HTTPField.Name("LAVA-Token")!] = token }
        let query = version.map { "?version=\($0)" } ?? ""
        return try await executeRequest(uri: "/scheduler/internal/v1/workers/\(worker)/\(query)", method: .get, headers: headers, body: nil)
    }

    func postForm(_ path: String, token: String?, _ fields: [(String, String)]) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let token { headers[HTTPField.Name("LAVA-Token")!] = token }
        return try await executeRequest(uri: path, method: .post, headers: headers, body: ByteBuffer(string: FormEncoding.encode(fields)))
    }

    func getJob(_ id: Int, token: String?) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[HTTPField.Name("LAVA-Token")!] = token }
        return try await executeRequest(uri: "/scheduler/internal/v1/jobs/\(id)/", method: .get, headers: headers, body: nil)
    }

    func uploadLogs(_ id: Int, token: String, lines: [String], index: Int) async throws -> TestResponse {
        let field = "- " + lines.joined(separator: "\n- ")
        return try await postForm("/scheduler/internal/v1/jobs/\(id)/logs/", token: token, [("lines", field), ("index", String(index))])
    }

    func rest(_ method: HTTPRequest.Method, _ path: String, token: String?, json: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [.accept: "application/json"]
        if let token { headers[.authorization] = "Token \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await executeRequest(uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    func submit(_ definition: String, token: String) async throws -> TestResponse {
        let body = try JSONEncoder().encode(["definition": definition])
        return try await rest(.post, "/api/v0.2/jobs/", token: token, json: String(decoding: body, as: UTF8.self))
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] else {
            throw ServerSetupError("response is not a JSON object: \(text)")
        }
        return object
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(buffer: body))
    }
}

/// A job definition for the `docker` device type.
func dockerJob(name: String = "smoke", priority: String = "medium", deviceType: String = "docker", timeoutMinutes: Int = 10) -> String {
    """
    device_type: \(deviceType)
    job_name: \(name)
    priority: \(priority)
    visibility: public
    timeouts:
      job:
        minutes: \(timeoutMinutes)
    actions:
    - deploy:
        to: docker
        image: debian:bookworm-slim
    - boot:
        method: docker
        command: bash
        prompts: ['root@lava:']
    - test:
        definitions:
        - from: inline
          name: smoke
          path: inline/smoke.yaml
          repository:
            metadata: {format: Lava-Test Test Definition 1.0, name: smoke}
            run: {steps: [lava-test-case ok --shell true]}
    """
}
