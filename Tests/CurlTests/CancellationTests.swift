import Curl
import LavaTestSupport
import Testing

/// A cancelled request ends with `CurlError.cancelled` while the server still has not answered,
/// instead of waiting out its time limit: lava-worker's stop and the supervisor rely on it.
@Suite(.timeLimit(.minutes(1))) struct CancellationTests {
    /// A time limit no test waits for: a request that ignored cancellation would end timed out.
    static let patience = CurlRequest(.get, "", timeout: .seconds(120))

    static func request(_ server: StallingServer, _ path: String) -> CurlRequest {
        var request = patience
        request.url = server.url + path
        return request
    }

    @Test("perform: cancelled while the server holds the request")
    func inFlight() async throws {
        let server = try StallingServer()
        defer { server.stop() }
        let session = try CurlSession(configuration: CurlConfiguration(userAgent: "test"))
        let request = Task { try await session.perform(Self.request(server, "/slow")) }
        var arrived = server.requests.makeAsyncIterator()
        #expect(await arrived.next() == "GET /slow HTTP/1.1")
        request.cancel()
        await #expect(throws: CurlError.cancelled) { try await request.value }
    }

    @Test("perform: cancelled while it waits behind another request of its session")
    func queued() async throws {
        let server = try StallingServer()
        defer { server.stop() }
        let session = try CurlSession(configuration: CurlConfiguration(userAgent: "test"))
        let first = Task { try await session.perform(Self.request(server, "/first")) }
        var arrived = server.requests.makeAsyncIterator()
        #expect(await arrived.next() == "GET /first HTTP/1.1")
        let second = Task { try await session.perform(Self.request(server, "/second")) }
        second.cancel()
        await #expect(throws: CurlError.cancelled) { try await second.value }
        first.cancel()
        await #expect(throws: CurlError.cancelled) { try await first.value }
    }

    @Test("perform: a task cancelled before the request starts sends nothing")
    func alreadyCancelled() async throws {
        let server = try StallingServer()
        defer { server.stop() }
        let session = try CurlSession(configuration: CurlConfiguration(userAgent: "test"))
        let request = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await session.perform(Self.request(server, "/never"))
        }
        await #expect(throws: CurlError.cancelled) { try await request.value }
        // The session still works after a cancelled request: the next one reaches the server.
        let next = Task { try await session.perform(Self.request(server, "/next")) }
        var arrived = server.requests.makeAsyncIterator()
        #expect(await arrived.next() == "GET /next HTTP/1.1")
        next.cancel()
        await #expect(throws: CurlError.cancelled) { try await next.value }
    }

    @Test("stream: cancelled while the server holds the request")
    func stream() async throws {
        let server = try StallingServer()
        defer { server.stop() }
        let session = try CurlSession(configuration: CurlConfiguration(userAgent: "test"))
        let request = Task { try await session.stream(Self.request(server, "/events")) { _ in } }
        var arrived = server.requests.makeAsyncIterator()
        #expect(await arrived.next() == "GET /events HTTP/1.1")
        request.cancel()
        await #expect(throws: CurlError.cancelled) { try await request.value }
    }

    @Test("stream: the cancelled caller resumes while libcurl still holds the transfer, which then hands over nothing more; the session goes on")
    func resumesBeforeLibcurlLetsGo() async throws {
        // Two chunks of a body that never ends, sent in one write: libcurl has the second at
        // hand when the first is in the handler.
        let answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nworld\r\n"
        let server = try StallingServer(answer: Array(answer.utf8))
        defer { server.stop() }
        let session = try CurlSession(configuration: CurlConfiguration(userAgent: "test"))
        let handler = HeldHandler()
        defer { handler.release() }
        let request = Task { try await session.stream(Self.request(server, "/events")) { handler.take($0) } }
        var calls = handler.calls.makeAsyncIterator()
        await calls.next()
        request.cancel()
        // Against a hang only: a caller that waits for libcurl is resumed once this lets libcurl
        // go, and fails the expectation below.
        let hangGuard = Task {
            try await Task.sleep(for: .seconds(30))
            handler.release(byGuard: true)
        }
        defer { hangGuard.cancel() }
        await #expect(throws: CurlError.cancelled) { try await request.value }
        #expect(!handler.releasedByGuard, "the cancelled caller waited until libcurl let go of the transfer")
        handler.release()
        // The session's next request runs once libcurl has aborted the first, which handed over
        // nothing after the cancellation.
        var arrived = server.requests.makeAsyncIterator()
        #expect(await arrived.next() == "GET /events HTTP/1.1")
        let next = Task { try await session.perform(Self.request(server, "/next")) }
        #expect(await arrived.next() == "GET /next HTTP/1.1")
        #expect(handler.chunks == [Array("hello".utf8)])
        next.cancel()
        await #expect(throws: CurlError.cancelled) { try await next.value }
    }
}
