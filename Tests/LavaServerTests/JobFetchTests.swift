import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LavaCore
@testable import LavaServer
import LavaTestSupport
import Testing

@Suite struct JobFetchTests {
    /// The job fetch answer LAVA 2023.01 gave (`GET-internal-v1-jobs-ID.response.json`).
    static func capturedAnswer() throws -> JobFetchResponse {
        let data = try Data(contentsOf: Capture.directory.appendingPathComponent("GET-internal-v1-jobs-ID.response.json"))
        return try JSONDecoder().decode(JobFetchResponse.self, from: data)
    }

    @Test("the same job, device (LAVA's docker.jinja2) and worker files give the answer LAVA 2023.01 gave, byte for byte, and are kept beside the log",
          .enabled(if: LavaTemplates.isAvailable, "needs LAVA_TEST_DEVICE_TYPES"), arguments: Backend.all)
    func matchesCapture(_ backend: Backend) async throws {
        let captured = try Self.capturedAnswer()
        let templates = try #require(try LavaTemplates.directory())
        try await withServer(backend, configure: { $0.deviceTypeDirectories = [templates] }) { server in
            let etc = server.server.configuration.configDirectory
            try FileManager.default.createDirectory(at: etc.appendingPathComponent("dispatcher.d/w1"), withIntermediateDirectories: true)
            try captured.env.write(to: etc.appendingPathComponent("dispatcher.d/w1/env.yaml"), atomically: true, encoding: .utf8)
            let lab = try await Lab.make(server, devices: [])
            let dictionary = try DeviceDictionary("{% extends 'docker.jinja2' %}\n", file: "docker-01.jinja2", templates: server.server.deviceTemplates)
            try await server.inventory.addDevice(name: "docker-01", type: "docker", worker: "w1", dictionary: dictionary)
            try await server.live { client in
                let (id, token) = try await server.startJob(client, lab, definition: captured.definition)
                let response = try await client.getJob(id, token: token)
                #expect(response.status == .ok)
                #expect(try response.decode(JobFetchResponse.self) == captured)
                let keys = try response.json().keys.sorted()
                #expect(keys == ["definition", "device", "dispatcher", "env", "env-dut"])

                let job = try #require(try await server.job(id))
                let logs = server.server.logs
                #expect(try await logs.file(job.logKey, .job) == captured.definition)
                #expect(try await logs.file(job.logKey, .env) == captured.env)
                #expect(try await logs.file(job.logKey, .device) == captured.device)
                #expect(try await logs.file(job.logKey, .dispatcher) == nil, "empty files are not written")
            }
        }
    }

    @Test("a worker file that is not YAML is named in the error", arguments: [Backend.sqlite])
    func brokenWorkerFile(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let etc = server.server.configuration.configDirectory
            try FileManager.default.createDirectory(at: etc, withIntermediateDirectories: true)
            try "overrides: [unclosed".write(to: etc.appendingPathComponent("env.yaml"), atomically: true, encoding: .utf8)
            let lab = try await Lab.make(server)
            try await server.live { client in
                let (id, token) = try await server.startJob(client, lab, running: false)
                let response = try await client.getJob(id, token: token)
                #expect(response.status == .internalServerError)
                #expect((try response.json()["error"] as? String)?.contains("env.yaml is not valid YAML") == true)
            }
        }
    }

    @Test("a queued job past its queue timeout is canceled", arguments: Backend.all)
    func queueTimeout(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                let definition = dockerJob().replacingOccurrences(of: "timeouts:\n", with: "timeouts:\n  queue:\n    minutes: 1\n")
                let submitted = try await client.submit(definition, token: lab.userToken)
                let id = try #require((try submitted.json()["job_ids"] as? [Int])?.first, "\(submitted.text)")
                server.clock.advance(by: 59)
                #expect(try await server.schedule().jobsEnded.isEmpty, "no worker is online, but the minute is not over")
                server.clock.advance(by: 2)
                #expect(try await server.schedule().jobsEnded == [id])
                let job = try #require(try await server.job(id))
                #expect(job.health == .canceled)
                #expect(job.failureComment.contains("Queue timeout of 60 s exceeded"))
            }
        }
    }
}
