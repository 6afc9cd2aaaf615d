import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LavaCore
@testable import LavaServer
import LavaTestSupport
import Testing

/// LAVA's XML-RPC API at /RPC2 over real HTTP on a real server and database, called by Debian's
/// own lavacli and by Python's xmlrpc.client (lavacli's library), and by raw requests for what
/// no client sends. A real worker running a real job under lavacli is LavacliTests (LavaWorkerTests).
@Suite(.serialized) struct RPCTests {
    /// A live server on `backend` with the lab (and bob, another user), and lavacli with an
    /// identity for each user plus an anonymous one.
    static func withLavacli(
        _ backend: Backend, _ body: @Sendable (TestServer, any TestClientProtocol, Lab, Lavacli) async throws -> Void
    ) async throws {
        try await withServer(backend) { server in
            let lab = try await Lab.make(server)
            let bob = try await server.inventory.addUser("bob", isAdmin: false)
            try await server.live { client in
                let port = try #require(client.port)
                let cli = try Lavacli()
                defer { cli.remove() }
                let uri = "http://127.0.0.1:\(port)/RPC2"
                try await cli.addIdentity("admin", uri: uri, username: "admin", token: lab.adminToken)
                try await cli.addIdentity("alice", uri: uri, username: "alice", token: lab.userToken)
                try await cli.addIdentity("bob", uri: uri, username: "bob", token: bob)
                try await cli.addIdentity("anonymous", uri: uri)
                try await body(server, client, lab, cli)
            }
        }
    }

    /// Runs lavacli and expects `status`; returns its standard output.
    @discardableResult
    static func expect(_ cli: Lavacli, _ identity: String, _ arguments: [String], status: Int32 = 0,
                       sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let result = try await cli.run(identity, arguments)
        #expect(result.status == status, "lavacli -i \(identity) \(arguments.joined(separator: " ")): \(result.output)\(result.error)",
                sourceLocation: sourceLocation)
        return result.output + result.error
    }

    @Test("lavacli shows jobs, logs, workers and devices as LAVA's, and admins update workers and devices and cancel jobs", arguments: Backend.all)
    func lavacliCommands(_ backend: Backend) async throws {
        try await Self.withLavacli(backend) { server, client, lab, cli in
            let (id, token) = try await server.startJob(client, lab)
            _ = try await client.uploadLogs(id, token: token, lines: [
                #"{"dt": "2026-11-24T22:46:13.123456", "lvl": "info", "msg": "caf\xE9 <&>"}"#,
                #"{"dt": "2026-11-24T22:46:14.0", "lvl": "target", "msg": "root@lava:/# uname"}"#,
                #"{"dt": "2026-11-24T22:46:15.0", "lvl": "results", "msg": {"definition": "0_smoke", "case": "boots", "result": "pass"}}"#,
            ], index: 0)

            #expect(try await Self.expect(cli, "alice", ["system", "version"]) == "2026.11\n")
            #expect(try await Self.expect(cli, "alice", ["system", "whoami"]) == "alice\n")
            #expect(try await Self.expect(cli, "anonymous", ["system", "whoami"]) == "<AnonymousUser>\n")

            let shown = try await Self.expect(cli, "alice", ["jobs", "show", String(id)])
            for line in ["id          : \(id)", "description : smoke", "submitter   : alice", "device-type : docker", "device      : docker-01",
                         "state       : Running", "Health      : Unknown", "visibility  : Public", "end time    : None"] {
                #expect(shown.contains(line + "\n"), "\(line) in \(shown)")
            }
            let yaml = try await Self.expect(cli, "alice", ["jobs", "show", String(id), "--yaml"])
            let fields = try #require(try UntrustedYAML.load(yaml) as? [String: Any], "\(yaml)")
            #expect(fields["state"] as? String == "Running")
            #expect(fields["device"] as? String == "docker-01")
            #expect(fields["health_check"] as? Bool == false)
            #expect(fields["end_time"] is NSNull || fields["end_time"] == nil)
            let submitTime = try #require(fields["submit_time"] as? String, "\(yaml)")
            #expect(submitTime.wholeMatch(of: /\d{8}T\d\d:\d\d:\d\d/) != nil, "\(submitTime)")

            #expect(try await Self.expect(cli, "alice", ["jobs", "list"]) == "Jobs (from 1 to 25):\n* \(id): Running,Unknown [alice] (smoke) - docker\n")
            #expect(try await Self.expect(cli, "alice", ["jobs", "list", "--state", "FINISHED"]) == "Jobs (from 1 to 25):\n")
            #expect(try await Self.expect(cli, "alice", ["jobs", "list", "--state", "RUNNING", "--verbose"]).contains("* \(id): Running,Unknown [alice] (smoke) - docker docker-01"))
            #expect(try await Self.expect(cli, "alice", ["jobs", "logs", String(id), "--no-follow"]) == """
                2026-11-24T22:46:13 caf\u{E9} <&>
                2026-11-24T22:46:14 root@lava:/# uname
                2026-11-24T22:46:15 {'definition': '0_smoke', 'case': 'boots', 'result': 'pass'}

                """)
            #expect(try await Self.expect(cli, "alice", ["jobs", "definition", String(id)]).contains("job_name: smoke"))

            #expect(try await Self.expect(cli, "alice", ["workers", "list"]) == "Workers:\n* w1\n")
            let worker = try await Self.expect(cli, "alice", ["workers", "show", "w1"])
            for line in ["hostname    : w1", "state       : Online", "health      : Active", "devices     : docker-01", "job limit   : 0", "version     : 2026.11"] {
                #expect(worker.contains(line + "\n"), "\(line) in \(worker)")
            }
            #expect(try await Self.expect(cli, "alice", ["devices", "list"]) == "Devices:\n* docker-01 (docker): Running,Good\n")
            let device = try await Self.expect(cli, "alice", ["devices", "show", "docker-01"])
            for line in ["name        : docker-01", "device-type : docker", "state       : Running", "health      : Good", "worker      : w1", "current job : \(id)"] {
                #expect(device.contains(line + "\n"), "\(line) in \(device)")
            }

            try await Self.expect(cli, "admin", ["workers", "update", "w1", "--description", "lab 1", "--health", "MAINTENANCE", "--job-limit", "2"])
            let updated = try #require(try await server.server.database.read { try await WorkerStore.find($0, name: "w1") })
            #expect(updated.health == .maintenance && updated.description == "lab 1" && updated.jobLimit == 2)
            try await Self.expect(cli, "admin", ["workers", "update", "w1", "--health", "ACTIVE"])
            let again = try #require(try await server.server.database.read { try await WorkerStore.find($0, name: "w1") })
            #expect(again.health == .active && again.description == "lab 1" && again.jobLimit == 2, "None leaves a field as it is")
            try await Self.expect(cli, "admin", ["devices", "update", "docker-01", "--health", "MAINTENANCE"])
            #expect(try await server.inventory.device("docker-01").health == .maintenance)

            let methods = try await Self.expect(cli, "alice", ["system", "methods", "list"])
            #expect(methods.contains("scheduler.jobs.submit\n") && methods.contains("system.version\n"))
            #expect(try await Self.expect(cli, "alice", ["system", "methods", "help", "scheduler.jobs.logs"]).contains("at most 4 MiB"))

            #expect(try await Self.expect(cli, "admin", ["jobs", "cancel", String(id)]) == "")
            #expect(try await server.job(id)?.state == .canceling)
        }
    }

    @Test("who sees and does what is the REST API's: a personal job is nobody else's, changes need a user or an admin, a wrong token is refused", arguments: Backend.all)
    func permissions(_ backend: Backend) async throws {
        try await Self.withLavacli(backend) { server, client, lab, cli in
            let submitted = try await client.submit(dockerJob(name: "secret").replacingOccurrences(of: "visibility: public", with: "visibility: personal"), token: lab.userToken)
            let id = try #require((try submitted.json()["job_ids"] as? [Int])?.first, "\(submitted.text)")

            for identity in ["bob", "anonymous"] {
                let refused = try await Self.expect(cli, identity, ["jobs", "show", String(id)], status: 1)
                #expect(refused.contains("Unable to call 'jobs.show': <Fault 404: \"Job '\(id)' was not found.\">"), "\(refused)")
                let logs = try await Self.expect(cli, identity, ["jobs", "logs", String(id)], status: 1)
                #expect(logs.contains("<Fault 404"), "\(logs)")
                #expect(!(try await Self.expect(cli, identity, ["jobs", "list"])).contains("* \(id):"))
            }
            #expect(try await Self.expect(cli, "alice", ["jobs", "show", String(id)]).contains("visibility  : Personal"))
            #expect(try await Self.expect(cli, "admin", ["jobs", "list"]).contains("* \(id): Submitted,Unknown [alice] (secret)"))

            // lavacli exits 0 after a refused cancel or submit; the job and the store say what happened.
            #expect(try await Self.expect(cli, "bob", ["jobs", "cancel", String(id)]).contains("Unable to cancel job \(id): <Fault 404"))
            #expect(try await server.job(id)?.state == .submitted)
            let job = FileManager.default.temporaryDirectory.appendingPathComponent("rpc-job-\(UUID().uuidString).yaml")
            defer { try? FileManager.default.removeItem(at: job) }
            try dockerJob(name: "anonymous").write(to: job, atomically: true, encoding: .utf8)
            #expect(try await Self.expect(cli, "anonymous", ["jobs", "submit", job.path]).contains("<Fault 401: 'Authentication with user and token required for this API.'>"))
            try "device_type: nosuch\njob_name: x\n".write(to: job, atomically: true, encoding: .utf8)
            #expect(try await Self.expect(cli, "alice", ["jobs", "submit", job.path]).contains("Unable to submit \(job.path): <Fault 400: "))
            #expect(try await server.server.database.read { try await JobStore.list($0, JobQuery(viewer: UserRecord(name: "admin", isAdmin: true))) }.count == 1, "nothing stored")

            let userUpdate = try await Self.expect(cli, "alice", ["workers", "update", "w1", "--health", "MAINTENANCE"], status: 1)
            #expect(userUpdate.contains("<Fault 403: \"Only admins may change workers; 'alice' is not one.\">"), "\(userUpdate)")
            #expect(try await Self.expect(cli, "anonymous", ["workers", "update", "w1", "--health", "RETIRED"], status: 1).contains("<Fault 401"))
            #expect(try await Self.expect(cli, "alice", ["devices", "update", "docker-01", "--health", "BAD"], status: 1).contains("<Fault 403"))
            #expect(try await Self.expect(cli, "admin", ["workers", "update", "nosuch", "--health", "ACTIVE"], status: 1).contains("<Fault 404: \"Unknown worker 'nosuch'\">"))
            #expect(try await server.server.database.read { try await WorkerStore.find($0, name: "w1") }?.health == .active)
            #expect(try await server.inventory.device("docker-01").health == .good)

            // A worker's files: admins only (an env file may hold credentials), and only those it has.
            #expect(try await Self.expect(cli, "alice", ["workers", "config", "get", "w1"], status: 1).contains("<Fault 403"))
            #expect(try await Self.expect(cli, "admin", ["workers", "config", "get", "w1"], status: 1).contains("<Fault 404: \"Worker 'w1' does not have a dispatcher configuration\">"))
            let own = server.scratch.directory.appendingPathComponent("etc/dispatcher.d/w1")
            try FileManager.default.createDirectory(at: own, withIntermediateDirectories: true)
            try "prefix: lab1-\n".write(to: own.appendingPathComponent("dispatcher.yaml"), atomically: true, encoding: .utf8)
            #expect(try await Self.expect(cli, "admin", ["workers", "config", "get", "w1"]) == "prefix: lab1-\n")
            #expect(try await Self.expect(cli, "admin", ["workers", "show", "w1", "--yaml"]).contains("default_config: false"))

            let port = try #require(client.port)
            let wrong = try await cli.run(["--uri", "http://alice:\(String(repeating: "x", count: 32))@127.0.0.1:\(port)/RPC2", "system", "version"])
            #expect(wrong.status == 1)
            #expect((wrong.output + wrong.error).contains("401 Client Error: Unauthorized"), "\(wrong)")
            let swapped = try await cli.run(["--uri", "http://bob:\(lab.userToken)@127.0.0.1:\(port)/RPC2", "system", "whoami"])
            #expect(swapped.status == 1, "a token is only good with its own user name: \(swapped)")
        }
    }

    @Test("what no client sends: bad bodies are faults, bad Authorization headers HTTP errors, as LAVA answers them")
    func rawRequests() async throws {
        try await withServer(.sqlite) { server in
            let lab = try await Lab.make(server)
            try await server.live { client in
                func post(_ body: String, headers: HTTPFields = [.contentType: "text/xml"], path: String = "/RPC2") async throws -> TestResponse {
                    try await client.executeRequest(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
                }
                func fault(_ response: TestResponse) async throws -> String {
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/xml; charset=utf-8")
                    return try await Python.run("""
                        import sys, xmlrpc.client
                        try:
                            print(xmlrpc.client.loads(open(sys.argv[1], 'rb').read()))
                        except xmlrpc.client.Fault as f:
                            print(f.faultCode, f.faultString)
                        """, input: Array(response.body.readableBytesView)).trimmingCharacters(in: .newlines)
                }
                let call = "<?xml version='1.0'?>\n<methodCall>\n<methodName>system.whoami</methodName>\n<params>\n</params>\n</methodCall>\n"
                #expect(try await fault(try await post(call)) == "((None,), None)")
                #expect(try await fault(try await post(call, path: "/RPC2/")) == "((None,), None)")
                let basic = "Basic " + Data("alice:\(lab.userToken)".utf8).base64EncodedString()
                #expect(try await fault(try await post(call, headers: [.authorization: basic])) == "(('alice',), None)")

                let entity = "<?xml version='1.0'?><!DOCTYPE m [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><methodCall><methodName>&e;</methodName></methodCall>"
                #expect(try await fault(try await post(entity)) == "-32600 Unable to decode request: a DOCTYPE is not accepted")
                #expect(try await fault(try await post("hello")).hasPrefix("-32600 Unable to decode request: syntax error"))
                #expect(try await fault(try await post("")) .hasPrefix("-32600 Unable to decode request: no element found"))
                #expect(try await fault(try await post(call.replacingOccurrences(of: "system.whoami", with: "scheduler.tags.list"))) == "-32601 No such method: 'scheduler.tags.list'")
                let twoArguments = call.replacingOccurrences(of: "<params>\n", with: "<params><param><value>1</value></param>")
                #expect(try await fault(try await post(twoArguments)) == "-32602 Invalid parameters: system.whoami() takes at most 0 arguments, not 1")
                let intName = "<methodCall><methodName>scheduler.workers.show</methodName><params><param><value><int>7</int></value></param></params></methodCall>"
                #expect(try await fault(try await post(intName)) == "-32602 Invalid parameters: 'hostname' must be a string, not int")
                let badID = "<methodCall><methodName>scheduler.jobs.show</methodName><params><param><value>abc</value></param></params></methodCall>"
                #expect(try await fault(try await post(badID)) == "404 Job 'abc' was not found.")
                let admin: HTTPFields = [.authorization: "Basic " + Data("admin:\(lab.adminToken)".utf8).base64EncodedString()]
                let badHealth = "<methodCall><methodName>scheduler.devices.update</methodName><params><param><value>docker-01</value></param><param><value><nil/></value></param><param><value><nil/></value></param><param><value><nil/></value></param><param><value><nil/></value></param><param><value>BROKEN</value></param></params></methodCall>"
                #expect(try await fault(try await post(badHealth, headers: admin)) == "400 Health 'BROKEN' is invalid")
                let moved = badHealth.replacingOccurrences(of: "<param><value><nil/></value></param>", with: "<param><value>w2</value></param>", options: [], range: badHealth.range(of: "<param><value><nil/></value></param>"))
                #expect(try await fault(try await post(moved, headers: admin)) == "400 'worker_hostname' cannot be changed here; only the health can (lava-server devices for the rest)")
                #expect(try await server.inventory.device("docker-01").health == .good, "nothing changed")

                for (header, status, text) in [("Token \(lab.userToken)", HTTPResponse.Status.badRequest, "Unsupported HTTP_AUTHORIZATION header, only Basic scheme is supported"),
                                               ("Basic", .badRequest, "Invalid HTTP_AUTHORIZATION header"),
                                               ("Basic !!!", .badRequest, "Corrupted HTTP_AUTHORIZATION header, bad base64 encoding"),
                                               ("Basic " + Data("alice".utf8).base64EncodedString(), .badRequest, "Corrupted HTTP_AUTHORIZATION header, no user:pass"),
                                               ("Basic " + Data("alice:wrong".utf8).base64EncodedString(), .unauthorized, "Invalid token")] {
                    let refused = try await post(call, headers: [.authorization: header])
                    #expect(refused.status == status, "\(header)")
                    #expect(refused.text == text, "\(header)")
                }
                let challenge = try await post(call, headers: [.authorization: "Basic " + Data("alice:wrong".utf8).base64EncodedString()])
                #expect(challenge.headers[.wwwAuthenticate] == "Basic realm=\"XML-RPC Authentication token\"")
                let refused = try await MemoryTurns.lock.withLock {
                    let huge = "<methodCall><methodName>a</methodName><params><param><value>" + String(repeating: "a", count: 17 * 1024 * 1024) + "</value></param></params></methodCall>"
                    return try await post(huge, headers: [.authorization: basic]).status
                }
                #expect(refused == .contentTooLarge)
                // Anonymous callers cannot submit: 64 KiB is all they may send.
                let large = "<methodCall><methodName>system.whoami</methodName><params></params><!--" + String(repeating: "a", count: 100 * 1024) + "--></methodCall>"
                let anonymous = try await post(large)
                #expect(anonymous.status == .contentTooLarge)
                #expect(anonymous.text == "An anonymous XML-RPC call may be at most 64 KiB: give a user name and API token")
                #expect(try await fault(try await post(large, headers: [.authorization: basic])) == "(('alice',), None)")
            }
        }
    }

    @Test("jobs.logs answers at most 4 MiB at a time and says finished only with the last record; lavacli follows it to the end", arguments: Backend.all)
    func logsInChunks(_ backend: Backend) async throws {
        try await Self.withLavacli(backend) { server, client, lab, cli in
            let (id, token) = try await server.startJob(client, lab)
            let message = String(repeating: "x", count: 1000)
            var index = 0
            for _ in 0..<3 {
                let lines = (index..<index + 2000).map { #"{"dt": "2026-11-24T22:46:13.0", "lvl": "target", "msg": "\#($0) \#(message)"}"# }
                let uploaded = try await client.uploadLogs(id, token: token, lines: lines, index: index)
                #expect(uploaded.status == .ok, "\(uploaded.text)")
                index += 2000
            }
            let port = try #require(client.port)
            let python = """
                import sys, xmlrpc.client
                proxy = xmlrpc.client.ServerProxy('http://alice:\(lab.userToken)@127.0.0.1:\(port)/RPC2', allow_none=True)
                start = 0
                while True:
                    finished, data = proxy.scheduler.jobs.logs(\(id), start)
                    records = data.data.count(b'\\n')
                    print(finished, records, len(data.data))
                    if finished or records == 0: break
                    start += records
                """
            let running = try await Python.run(python).split(separator: "\n")
            #expect(running.count == 3, "two chunks and an empty answer: \(running)")
            let first = running[0].split(separator: " ")
            #expect(first[0] == "False" && Int(first[1]).map { $0 > 0 && $0 < 6000 } == true && Int(first[2]).map { $0 <= 4 * 1024 * 1024 } == true, "\(running)")
            #expect(running.last == "False 0 0", "a running job's log is not finished: \(running)")

            let finished = try await client.postForm("/scheduler/internal/v1/jobs/\(id)/", token: token, [("state", "FINISHED"), ("result", "pass")])
            #expect(finished.status == .ok)
            let after = try await Python.run(python).split(separator: "\n")
            #expect(after.count == 2 && after[0].hasPrefix("False ") && after[1].hasPrefix("True "), "finished only with the last chunk: \(after)")
            #expect(after.compactMap { Int($0.split(separator: " ")[1]) }.reduce(0, +) == 6000)

            let printed = try await Self.expect(cli, "alice", ["jobs", "logs", String(id), "--polling", "1"])
            let lines = printed.split(separator: "\n")
            #expect(lines.count == 6000, "every record once")
            #expect(lines.first == "2026-11-24T22:46:13 0 \(message)" && lines.last == "2026-11-24T22:46:13 5999 \(message)")
        }
    }
}
