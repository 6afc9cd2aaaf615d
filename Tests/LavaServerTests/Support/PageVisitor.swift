import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LavaCore
import Synchronization

/// A visitor of the web pages over real HTTP, keeping the cookies the server sets as a browser
/// would (without their attributes), and reading the forms' CSRF tokens out of the pages.
final class PageVisitor: Sendable {
    let client: any TestClientProtocol
    private let jar = Mutex<[String: String]>([:])
    /// Sent on every request when set: the page's origin, as a browser sends on POSTs.
    let origin: String?

    init(_ client: any TestClientProtocol, origin: String? = nil) {
        self.client = client
        self.origin = origin
    }

    var cookies: [String: String] { jar.withLock { $0 } }

    func get(_ path: String, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        try await send(path, method: .get, headers: extra, body: nil)
    }

    func post(_ path: String, _ fields: [(String, String)], headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        headers[.contentType] = "application/x-www-form-urlencoded"
        if let origin, headers[.origin] == nil { headers[.origin] = origin }
        return try await send(path, method: .post, headers: headers, body: ByteBuffer(string: FormEncoding.encode(fields)))
    }

    /// Signs in through the sign-in form; the answer of the form's POST.
    @discardableResult
    func signIn(_ name: String, token: String) async throws -> TestResponse {
        let form = try await get("/accounts/login/")
        return try await post("/accounts/login/", [("csrf_token", try Self.csrf(in: form)), ("username", name), ("token", token), ("next", "/")])
    }

    /// The first form's `csrf_token` in a page.
    static func csrf(in page: TestResponse) throws -> String {
        let text = String(buffer: page.body)
        guard let range = text.range(of: #"name="csrf_token" value=""#),
              let end = text[range.upperBound...].firstIndex(of: "\"")
        else { throw TestPageError("no csrf_token in the page: \(text.prefix(2000))") }
        return String(text[range.upperBound..<end])
    }

    private func send(_ path: String, method: HTTPRequest.Method, headers extra: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        var headers = extra
        let cookies = jar.withLock { $0 }
        if !cookies.isEmpty {
            headers[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: body)
        for field in response.headers[values: .setCookie] {
            let pair = field.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            let (name, value) = (String(pair[0]), String(pair[1]))
            jar.withLock { jar in
                if value.isEmpty || field.contains("Max-Age=0") { jar[name] = nil } else { jar[name] = value }
            }
        }
        return response
    }
}

struct TestPageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
