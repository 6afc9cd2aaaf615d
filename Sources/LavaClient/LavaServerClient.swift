import Curl
import Foundation
import LavaCore

/// The worker side of LAVA's HTTP protocol (spec §2): every call lava-worker, lava-run and
/// lava-docker-worker make, with LAVA's headers, form bodies and answers.
public struct LavaServerClient: Sendable {
    /// The server's base URL without trailing slashes (it may carry a path prefix).
    public let baseURL: String
    public let version: String
    private let session: CurlSession

    /// - Parameters:
    ///   - url: the server, e.g. `https://lava.example.org/`.
    ///   - agent: the program name for `User-Agent` (`lava-worker`, `lava`, `lava-docker-worker`).
    public init(url: String, agent: String, version: String = LavaVersion.current, configure: (inout CurlConfiguration) -> Void = { _ in }) throws(WorkerAPIError) {
        var trimmed = url
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", components.host?.isEmpty == false
        else {
            throw WorkerAPIError(status: 0, message: "'\(url)' is not an http:// or https:// URL of a LAVA server", transport: false)
        }
        var configuration = CurlConfiguration(userAgent: "\(agent) \(version)")
        configure(&configuration)
        do {
            session = try CurlSession(configuration: configuration)
        } catch {
            throw WorkerAPIError(status: 0, message: error.description, transport: false)
        }
        baseURL = trimmed
        self.version = version
    }

    /// `GET /api/v0.2/system/version/` (spec §2.6), with the versions it accepts besides its own
    /// when the server is ours.
    public func serverVersion() async throws(WorkerAPIError) -> VersionResponse {
        let response = try await send(CurlRequest(.get, baseURL + "/api/v0.2/system/version/", headers: Self.accept))
        guard response.status == 200 else { throw Self.failure(response) }
        guard let answer = try? JSONDecoder().decode(VersionResponse.self, from: response.body) else {
            throw WorkerAPIError(status: response.status, message: "the answer has no 'version': is \(baseURL) a LAVA server?", transport: false)
        }
        return answer
    }

    /// `POST /scheduler/internal/v1/workers/` (spec §2.1): the new worker's token.
    public func register(name: String, username: String? = nil, password: String? = nil) async throws(WorkerAPIError) -> String {
        var fields = [("name", name)]
        if let username, let password {
            fields += [("username", username), ("password", password)]
        }
        let response = try await send(form(baseURL + "/scheduler/internal/v1/workers/", token: nil, fields))
        guard response.status == 200 else { throw Self.failure(response) }
        guard let answer = try? JSONDecoder().decode(RegisterResponse.self, from: response.body) else {
            throw WorkerAPIError(status: 200, message: "the registration answer has no token", transport: false)
        }
        return answer.token
    }

    /// `GET /scheduler/internal/v1/workers/<name>/?version=` (spec §2.2).
    public func ping(name: String, token: String) async -> PingOutcome {
        let url = baseURL + "/scheduler/internal/v1/workers/\(FormEncoding.escape(name))/?version=\(FormEncoding.escape(version))"
        let response: CurlResponse
        do {
            response = try await send(CurlRequest(.get, url, headers: Self.accept + [("LAVA-Token", token)]))
        } catch {
            return .failed(error)
        }
        switch response.status {
        case 200: return .jobs((try? JSONDecoder().decode(PingResponse.self, from: response.body)) ?? PingResponse())
        case 409: return .versionMismatch(Self.errorText(response))
        default: return .failed(Self.failure(response))
        }
    }

    /// `GET /scheduler/internal/v1/jobs/<id>/` (spec §2.3).
    public func fetchJob(id: Int, token: String) async throws(WorkerAPIError) -> JobFetchResponse {
        let response = try await send(CurlRequest(.get, jobURL(id), headers: Self.accept + [("LAVA-Token", token)]))
        guard response.status == 200 else { throw Self.failure(response) }
        guard let job = try? JSONDecoder().decode(JobFetchResponse.self, from: response.body) else {
            throw WorkerAPIError(status: 200, message: "the job answer lacks definition, device, dispatcher, env or env-dut", transport: false)
        }
        return job
    }

    /// `POST /scheduler/internal/v1/jobs/<id>/` with `state=RUNNING` (spec §2.4).
    public func reportRunning(id: Int, token: String) async throws(WorkerAPIError) {
        let response = try await send(form(jobURL(id), token: token, [("state", "RUNNING")]))
        guard response.status == 200 else { throw Self.failure(response) }
    }

    /// `state=FINISHED`. True when the server recorded it, or no longer knows the job (LAVA's
    /// worker then cleans up as if accepted, spec §2.8).
    public func reportFinished(id: Int, token: String, _ report: FinishedReport) async throws(WorkerAPIError) -> Bool {
        let fields = [("state", "FINISHED"), ("result", report.passed ? "pass" : "fail"), ("error_type", report.errorType),
                      ("errors", report.errors), ("description", report.description)]
        let response = try await send(form(jobURL(id), token: token, fields))
        if response.status == 200 { return true }
        if response.status == 404, Self.errorText(response) == "Unknown job '\(id)'" { return false }
        throw Self.failure(response)
    }

    /// `POST /scheduler/internal/v1/jobs/<id>/logs/` (spec §2.5): records numbered from `index`.
    public func uploadLogs(id: Int, token: String, records: [String], index: Int, timeout: Duration = .seconds(120)) async -> LogUploadOutcome {
        let lines = "- " + records.joined(separator: "\n- ")
        var request = form(jobURL(id) + "logs/", token: token, [("lines", lines), ("index", String(index))])
        request.timeout = timeout
        let response: CurlResponse
        do {
            response = try await send(request)
        } catch {
            return .failed(error)
        }
        switch response.status {
        case 200:
            struct Answer: Decodable { var line_count: Int }
            guard let answer = try? JSONDecoder().decode(Answer.self, from: response.body) else {
                return .failed(WorkerAPIError(status: 200, message: "the log answer has no line_count", transport: false))
            }
            return .stored(lineCount: answer.line_count)
        case 413: return .tooLarge
        case 404 where Self.errorText(response) == "Unknown job '\(id)'": return .unknownJob
        default: return .failed(Self.failure(response))
        }
    }

    private static let accept = [(name: "Accept", value: "application/json")]

    private func jobURL(_ id: Int) -> String { baseURL + "/scheduler/internal/v1/jobs/\(id)/" }

    private func form(_ url: String, token: String?, _ fields: [(String, String)]) -> CurlRequest {
        var headers = Self.accept + [("Content-Type", "application/x-www-form-urlencoded")]
        if let token { headers.append(("LAVA-Token", token)) }
        return CurlRequest(.post, url, headers: headers, body: Array(FormEncoding.encode(fields).utf8))
    }

    private func send(_ request: CurlRequest) async throws(WorkerAPIError) -> CurlResponse {
        do {
            return try await session.perform(request)
        } catch {
            throw WorkerAPIError(status: error.isTimeout ? 504 : 503, message: error.description, transport: true)
        }
    }

    /// The `error` text of a JSON error body, else the body itself.
    private static func errorText(_ response: CurlResponse) -> String {
        (try? JSONDecoder().decode(ErrorBody.self, from: response.body))?.error ?? response.text
    }

    private static func failure(_ response: CurlResponse) -> WorkerAPIError {
        WorkerAPIError(status: response.status, message: errorText(response), transport: false)
    }
}
