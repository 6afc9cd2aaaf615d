import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LavaCore
@testable import LavaServer
import SQLKit
import Testing

/// LAVA 2023.01's worker requests, replayed byte for byte, get the answers LAVA gave.
@Suite struct CaptureReplayTests {
    static let workerToken = "JJ5t0gBf6cjsthhwBQa5O5lyevhTiJBL"
    static let jobTokens = [1: "ONAkWoLq04nZQV9ImjeeKSEuEt8adBHp", 2: "xQzzOOFiDfEDXVu2ppFtthtj6rKXdkb9", 3: "oA9wIrwK6lcZJurio19FVn7XA1wySl1u"]

    func setState(_ server: TestServer, job: Int, _ state: JobState) async throws {
        try await server.server.database.write { db in
            try await db.raw("UPDATE jobs SET state = \(bind: state.rawValue), device = \(bind: "docker-0\(job)"), worker = 'w1' WHERE id = \(bind: job)").run()
        }
    }

    func json(_ text: String) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary)
    }

    func replay(_ name: String, port: Int) async throws -> (capture: Capture, status: Int, body: String) {
        let capture = try Capture(name)
        #expect(capture.declaredLengthMatches, "\(name): rebuilt body must match Content-Length")
        let (status, body) = try await RawHTTP.exchange(port: port, capture.request)
        #expect(status == capture.status, "\(name): \(body)")
        return (capture, status, body)
    }

    @Test("the 2023.01 worker's requests get 2023.01's answers", arguments: Backend.all)
    func replayCaptures(_ backend: Backend) async throws {
        try await withServer(backend, version: "2023.01") { server in
            _ = try await Lab.make(server, devices: ["docker-01", "docker-02", "docker-03"])
            try await server.server.database.write { db in
                try await WorkerStore.setTokenHash(db, name: "w1", tokenHash: Token.hash(Self.workerToken))
            }
            try await server.live { client in
                let port = try #require(client.port)
                let adminToken = try await server.inventory.addUser("submitter", isAdmin: false)
                for job in 1...3 {
                    let response = try await client.submit(dockerJob(name: "job-\(job)"), token: adminToken)
                    #expect(response.status == .created)
                }
                try await server.server.database.write { db in
                    for (id, token) in Self.jobTokens {
                        try await db.raw("UPDATE jobs SET token = \(bind: token) WHERE id = \(bind: id)").run()
                    }
                }

                try await setState(server, job: 1, .scheduled)
                var exchange = try await replay("GET-workers-w1-ping-start.txt", port: port)
                #expect(try json(exchange.body) == (try json(exchange.capture.responseBody)))
                #expect(try await server.worker("w1")?.state == .online)

                try await setState(server, job: 2, .scheduled)
                exchange = try await replay("POST-jobs-ID-RUNNING.txt", port: port)
                #expect(exchange.body == exchange.capture.responseBody)
                #expect(try await server.job(2)?.state == .running)

                let filler = (0..<173).map { #"{"dt": "2026-11-24T22:46:00.0", "lvl": "target", "msg": "line \#($0)"}"# }
                #expect(try await client.uploadLogs(2, token: Self.jobTokens[2]!, lines: filler, index: 0).status == .ok)
                exchange = try await replay("POST-jobs-ID-logs-chunk2.txt", port: port)
                #expect(try json(exchange.body) == (try json(exchange.capture.responseBody)))
                let job2 = try #require(try await server.job(2))
                #expect(try await server.server.logs.lineCount(job2.logKey) == 193)
                exchange = try await replay("POST-jobs-ID-logs-chunk2.txt", port: port)
                #expect(try await server.server.logs.lineCount(job2.logKey) == 193, "the resent chunk adds nothing")

                exchange = try await replay("POST-jobs-ID-FINISHED-pass.txt", port: port)
                #expect(exchange.body == exchange.capture.responseBody)
                #expect(try await server.job(2)?.health == .complete)
                #expect(try await server.server.logs.file(job2.logKey, .description)?.hasPrefix("compatibility: 4\npipeline:") == true)

                try await server.server.database.write { db in
                    try await db.raw("UPDATE jobs SET state = \(bind: JobState.finished.rawValue) WHERE id = 1").run()
                }
                try await setState(server, job: 3, .running)
                let cancel = try await client.rest(.get, "/api/v0.2/jobs/3/cancel/", token: adminToken)
                #expect(cancel.status == .ok)
                exchange = try await replay("GET-workers-w1-ping-cancel.txt", port: port)
                #expect(try json(exchange.body) == (try json(exchange.capture.responseBody)))

                exchange = try await replay("POST-jobs-ID-FINISHED-canceled.txt", port: port)
                #expect(exchange.body == exchange.capture.responseBody)
                let canceled = try #require(try await server.job(3))
                #expect(canceled.state == .finished)
                #expect(canceled.health == .canceled)
            }
        }
    }
}
