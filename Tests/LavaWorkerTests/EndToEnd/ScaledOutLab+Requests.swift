import Curl
import Foundation
import LavaTestSupport

/// What the test asks the deployment: REST through haproxy, each instance's own metrics,
/// haproxy's view of the instances.
extension ScaledOutLab {
    struct Job: Decodable, Sendable {
        var state: String
        var health: String
        var failureComment: String

        enum CodingKeys: String, CodingKey {
            case state, health
            case failureComment = "failure_comment"
        }
    }

    /// What one instance did itself, from its `/metrics`.
    struct Counters: Sendable {
        var pings: Double
        var logLines: Double
    }

    func get(_ url: String, token: String? = nil) async throws -> CurlResponse {
        let session = try CurlSession(configuration: CurlConfiguration(userAgent: "test"))
        return try await session.perform(CurlRequest(.get, url, headers: token.map { [("Authorization", "Token \($0)")] } ?? []))
    }

    /// Submits `definition` as the admin through haproxy.
    func submit(_ definition: String) async throws -> Int {
        let session = try CurlSession(configuration: CurlConfiguration(userAgent: "test"))
        let body = try JSONEncoder().encode(["definition": definition])
        let response = try await session.perform(CurlRequest(.post, url + "api/v0.2/jobs/", headers: [
            ("Authorization", "Token \(admin)"), ("Content-Type", "application/json"),
        ], body: Array(body)))
        struct Submitted: Decodable { var job_ids: [Int] }
        guard response.status == 201, let id = try JSONDecoder().decode(Submitted.self, from: response.body).job_ids.first else {
            throw TestFailure("submission refused: \(response.status) \(response.text)")
        }
        return id
    }

    func job(_ id: Int) async throws -> Job {
        let response = try await get(url + "api/v0.2/jobs/\(id)/")
        guard response.status == 200 else { throw TestFailure("job \(id): \(response.status) \(response.text)") }
        return try JSONDecoder().decode(Job.self, from: response.body)
    }

    /// The job's stored log, line by line, through haproxy.
    func log(_ id: Int) async throws -> [String] {
        let response = try await get(url + "api/v0.2/jobs/\(id)/logs/")
        guard response.status == 200 else { throw TestFailure("log of job \(id): \(response.status) \(response.text)") }
        return response.text.split(separator: "\n").map(String.init)
    }

    func workerState() async throws -> String {
        let response = try await get(url + "api/v0.2/workers/lab-1/")
        struct Worker: Decodable { var state: String }
        return try JSONDecoder().decode(Worker.self, from: response.body).state
    }

    /// Pings answered and log lines stored by instance `index` itself, asked directly.
    func counters(_ index: Int) async throws -> Counters {
        let response = try await get("http://127.0.0.1:\(serverPorts[index])/metrics")
        guard response.status == 200 else { throw TestFailure("metrics of instance \(index + 1): \(response.status)") }
        func sum(_ metric: String) -> Double {
            response.text.split(separator: "\n")
                .filter { $0.hasPrefix(metric + " ") || $0.hasPrefix(metric + "{") }
                .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
                .reduce(0, +)
        }
        return Counters(pings: sum("lava_worker_pings_total"), logLines: sum("lava_log_lines_stored_total"))
    }

    /// haproxy's status of each server of the backend (UP, DOWN, DOWN 1/2, ...), from its CSV page.
    func balancerStatus() async throws -> [String: String] {
        let rows = try await get("http://127.0.0.1:\(statsPort)/;csv").text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        guard let header = rows.first, let name = header.firstIndex(of: "svname"), let status = header.firstIndex(of: "status") else {
            throw TestFailure("haproxy's CSV has no svname and status columns")
        }
        var result: [String: String] = [:]
        for row in rows.dropFirst() where row.count > status && row[0] == "lava-servers" {
            result[String(row[name])] = String(row[status])
        }
        return result
    }

    /// Asks `attempt` every 200 ms until it gives a value, for at most `seconds`; errors count
    /// as "not yet" (an instance may be away), the last one is reported.
    @discardableResult
    func poll<T: Sendable>(_ what: String, within seconds: Int, _ attempt: @Sendable () async throws -> T?) async throws -> T {
        var lastError: (any Error)?
        for _ in 0..<(seconds * 5) {
            do {
                if let value = try await attempt() { return value }
            } catch {
                lastError = error
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestFailure("no \(what) within \(seconds) s\(lastError.map { "; last error: \($0)" } ?? "")\n\(logs)")
    }
}
