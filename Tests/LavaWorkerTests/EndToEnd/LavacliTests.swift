import Foundation
import LavaCore
@testable import LavaServer
import LavaTestSupport
import Testing

/// Debian's lavacli as a lab's scripts use it, against a real server, a real lava-worker and
/// lava-run, and the real Docker engine: the README's first job from submit to its log.
extension EndToEnd { @Suite struct LavacliTests {
    @Test("lavacli submits the README's first job, waits for it, prints its log as LAVA's, shows it Complete, and cancels a second job on a real worker")
    func firstJob() async throws {
        try await DockerLab.run(scheduling: true) { lab, live in
            let worker = try lab.worker()
            defer { worker.stop() }
            let cli = try Lavacli()
            defer { cli.remove() }
            try await cli.addIdentity("lab", uri: "http://127.0.0.1:\(lab.port)/RPC2", username: "admin", token: lab.admin)
            func lavacli(_ arguments: String..., status: Int32 = 0) async throws -> String {
                let result = try await cli.run("lab", arguments)
                #expect(result.status == status, "lavacli \(arguments.joined(separator: " ")): \(result.output)\(result.error)")
                return result.output
            }
            #expect(try await lavacli("system", "version") == "2026.11\n")

            let submitted = try await lavacli("jobs", "submit", PackageFiles.url("server/examples/docker-job.yaml").path)
            let id = try #require(Int(submitted.trimmingCharacters(in: .newlines)), "\(submitted)")
            let waited = try await lavacli("jobs", "wait", String(id), "--polling", "1", "--timeout", "300")
            for line in waited.split(separator: "\n") {
                #expect(line.wholeMatch(of: /(Submitted|Scheduling|Scheduled|Running)\.*/) != nil, "\(waited)")
            }

            let yaml = try await lavacli("jobs", "show", String(id), "--yaml")
            let job = try #require(try UntrustedYAML.load(yaml) as? [String: Any], "\(yaml)")
            #expect(job["state"] as? String == "Finished")
            #expect(job["health"] as? String == "Complete", "\(yaml)")
            #expect(job["device"] as? String == "docker-01")
            #expect(job["description"] as? String == "first docker job")
            #expect((job["end_time"] as? String)?.wholeMatch(of: /\d{8}T\d\d:\d\d:\d\d/) != nil, "\(yaml)")

            let log = try await lavacli("jobs", "logs", String(id), "--polling", "1")
            let stored = try await live.storedLog(id)
            let records = log.split(separator: "\n").filter { $0.prefixMatch(of: #/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d /#) != nil }
            #expect(!stored.isEmpty && records.count == stored.count, "one printed record per stored one: \(records.count) of \(stored.count)")
            // lavacli's own layout: the time to the second, then the message.
            let first = try #require((try UntrustedYAML.load(stored[0]) as? [Any])?.first as? [String: Any], "\(stored[0])")
            let dt = try #require(first["dt"] as? String)
            #expect(records.first.map(String.init) == "\(dt.split(separator: ".")[0]) \(first["msg"] ?? "")", "\(stored[0])")
            #expect(log.contains("'case': 'kernel'") && log.contains("'case': 'os-release'"), "\(log.suffix(2000))")
            #expect(!log.contains("Failure comment"), "a Complete job has none")

            let long = EndToEnd.BrowserTests.job("long job", steps: ["sleep 300"])
            let file = lab.directory.appendingPathComponent("long.yaml")
            try long.write(to: file, atomically: true, encoding: .utf8)
            let second = try #require(Int(try await lavacli("jobs", "submit", file.path).trimmingCharacters(in: .newlines)))
            try await within(120, "the second job to run") {
                while try await lab.job(second, on: live).state != .running { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(try await lavacli("devices", "show", "docker-01").contains("current job : \(second)\n"))
            #expect(try await lavacli("jobs", "cancel", String(second)) == "")
            _ = try await lavacli("jobs", "wait", String(second), "--polling", "1", "--timeout", "120")
            #expect(try await lavacli("jobs", "show", String(second)).contains("Health      : Canceled\n"))

            let workerShown = try await lavacli("workers", "show", "lab-1")
            #expect(workerShown.contains("state       : Online\n") && workerShown.contains("version     : 2026.11\n"), "\(workerShown)")
            #expect(try await lavacli("devices", "list") == "Devices:\n* docker-01 (docker): Idle,Good\n")
            #expect(try await lavacli("jobs", "list").hasPrefix("Jobs (from 1 to 25):\n* \(second): Finished,Canceled [admin] (long job) - docker\n* \(id): Finished,Complete [admin] (first docker job) - docker\n"))
        }
    }
}}
