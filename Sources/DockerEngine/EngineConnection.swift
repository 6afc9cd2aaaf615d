import Curl
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The HTTP plumbing under `DockerClient`: the negotiated `/v1.xx` prefix, one libcurl session
/// per call, and the engine's error answers turned into `DockerError`s.
struct EngineConnection: Sendable {
    let socketPath: String
    private let negotiated = Locked<APIVersion?>(nil)

    init(socketPath: String) {
        self.socketPath = socketPath
    }

    /// A response collected whole.
    struct Response: Sendable {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func decode<T: Decodable>(_ type: T.Type) throws(DockerError) -> T {
            do {
                return try JSONDecoder().decode(type, from: Data(body))
            } catch {
                throw .invalidResponse(detail: "\(T.self): \(error) in \(String(decoding: body.prefix(300), as: UTF8.self))")
            }
        }
    }

    /// `GET /version`, which every API version answers without a prefix.
    func engineVersion() async throws(DockerError) -> EngineVersion {
        try await send(EngineRequest(.get, "/version"), versioned: false).decode(EngineVersion.self)
    }

    /// The API version for this engine, asked once and then remembered.
    func apiVersion() async throws(DockerError) -> APIVersion {
        if let known = negotiated.withLock({ $0 }) { return known }
        let engine = try await engineVersion()
        guard let newest = APIVersion(engine.apiVersion) else {
            throw .invalidResponse(detail: "API version \(engine.apiVersion)")
        }
        let chosen = try APIVersion.negotiate(engine: newest, engineMinimum: engine.minAPIVersion.flatMap(APIVersion.init))
        negotiated.withLock { $0 = chosen }
        return chosen
    }

    /// Runs a call and collects its answer. Statuses below 300 and those in `accepting` are
    /// returned; any other throws, a 404 as `notFound` when given.
    func send(_ request: EngineRequest, accepting: Set<Int> = [], notFound: DockerError? = nil, versioned: Bool = true) async throws(DockerError) -> Response {
        let body = Locked<[UInt8]>([])
        let head = try await stream(request, accepting: accepting, notFound: notFound, versioned: versioned) { chunk in
            body.withLock { $0.append(contentsOf: chunk) }
        }
        return Response(status: head.status, headers: head.headers, body: body.withLock { $0 })
    }

    /// Runs a call and hands its body to `onData` as it arrives; error answers are collected
    /// instead and thrown as in `send`. Cancelling the Task aborts the call.
    @discardableResult
    func stream(
        _ request: EngineRequest,
        accepting: Set<Int> = [],
        notFound: DockerError? = nil,
        versioned: Bool = true,
        onHead: @escaping @Sendable (CurlResponseHead) -> Void = { _ in },
        onData: @escaping @Sendable ([UInt8]) -> Void
    ) async throws(DockerError) -> CurlResponseHead {
        let url = try await url(for: request, versioned: versioned)
        var configuration = CurlConfiguration(userAgent: "lava-swift DockerEngine")
        configuration.unixSocketPath = socketPath
        // A session per call: over a local socket keep-alive saves little, and a call that waits
        // (wait, logs, events) must not hold up others queued behind it on a shared handle.
        let session: CurlSession
        do {
            session = try CurlSession(configuration: configuration)
        } catch {
            throw .connectionFailed(path: socketPath, detail: error.description)
        }
        var headers = request.headers
        if request.body != nil { headers.append(("Content-Type", request.contentType)) }
        let curlRequest = CurlRequest(
            CurlRequest.Method(rawValue: request.method.rawValue) ?? .get, url,
            headers: headers, body: request.body, timeout: request.timeout ?? .zero
        )
        let failed = Locked<(status: Int, body: [UInt8])?>(nil)
        let head: CurlResponseHead
        do {
            head = try await session.stream(curlRequest) { head in
                if head.status >= 300, !accepting.contains(head.status) {
                    failed.withLock { $0 = (head.status, []) }
                }
                onHead(head)
            } onData: { chunk in
                let forward = failed.withLock { failure -> Bool in
                    guard failure != nil else { return true }
                    failure?.body.append(contentsOf: chunk)
                    return false
                }
                if forward { onData(chunk) }
            }
        } catch {
            throw transportError(error, request: request)
        }
        if let failure = failed.withLock({ $0 }) {
            if failure.status == 404, let notFound { throw notFound }
            throw .engine(status: failure.status, message: Self.message(in: failure.body))
        }
        return head
    }

    private func url(for request: EngineRequest, versioned: Bool) async throws(DockerError) -> String {
        // The host is ignored over a unix socket but libcurl needs one.
        var url = "http://docker"
        if versioned { url += "/v\(try await apiVersion())" }
        url += request.path
        if !request.query.isEmpty {
            url += "?" + request.query.map { "\($0.name)=\(EngineRequest.queryValue($0.value))" }.joined(separator: "&")
        }
        return url
    }

    /// A transfer that got no HTTP answer, explained by what is (not) at the socket path, and
    /// naming the call that got none (the engine can leave one call unanswered and not others).
    private func transportError(_ error: CurlError, request: EngineRequest) -> DockerError {
        if error.isCancelled { return .cancelled }
        var info = stat()
        if stat(socketPath, &info) != 0 { return .socketMissing(path: socketPath) }
        if access(socketPath, R_OK | W_OK) != 0, errno == EACCES { return .permissionDenied(path: socketPath) }
        return .connectionFailed(path: socketPath, detail: "\(request.method.rawValue) \(request.path): \(error.description)")
    }

    /// The engine's `{"message": "..."}`, or the body as text when it is something else.
    static func message(in body: [UInt8]) -> String {
        struct ErrorBody: Decodable { var message: String }
        if let decoded = try? JSONDecoder().decode(ErrorBody.self, from: Data(body)) { return decoded.message }
        return String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
