import Crypto
import Foundation

/// The opening handshake (RFC 6455 section 4): the upgrade request, and the check of the
/// server's answer. Pure, so hostile answers are tested and fuzzed without a connection.
public struct WebSocketHandshake: Sendable {
    /// Where to connect and what to ask for, from a `ws://`, `wss://`, `http://` or `https://` URL.
    public struct Target: Sendable, Equatable {
        /// The URL libcurl connects to: `http://` or `https://`, as libcurl without WebSocket
        /// support knows them.
        public var connectURL: String
        /// `Host:`, with the port when it is not the scheme's default.
        public var host: String
        /// The request target: path and query, `/` at least.
        public var resource: String
        public var secure: Bool

        public init(url: String) throws(WebSocketError) {
            let schemes = ["ws": ("http", false), "wss": ("https", true), "http": ("http", false), "https": ("https", true)]
            guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
                  let (connectScheme, secure) = schemes[scheme], let name = components.host, !name.isEmpty
            else {
                throw WebSocketError(.connection(code: -1), "'\(url)' is not a ws://, wss://, http:// or https:// URL")
            }
            var connect = components
            connect.scheme = connectScheme
            connect.fragment = nil
            guard let connectURL = connect.string else {
                throw WebSocketError(.connection(code: -1), "'\(url)' is not a ws://, wss://, http:// or https:// URL")
            }
            self.connectURL = connectURL
            self.secure = secure
            // URLComponents keeps an IPv6 literal's brackets in percentEncodedHost.
            let hostName = components.percentEncodedHost ?? name
            host = components.port.map { "\(hostName):\($0)" } ?? hostName
            let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
            resource = components.percentEncodedQuery.map { "\(path)?\($0)" } ?? path
        }
    }

    /// The server's answer to the upgrade request.
    public struct Response: Sendable, Equatable {
        public var status: Int
        public var headers: [(name: String, value: String)]

        public func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }

        public static func == (lhs: Response, rhs: Response) -> Bool {
            lhs.status == rhs.status && lhs.headers.elementsEqual(rhs.headers) { $0 == $1 }
        }
    }

    /// Section 1.3's GUID, which the server appends to the key before hashing it.
    static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// Base64 of 16 random bytes.
    public let key: String

    public init(key: [UInt8]) {
        self.key = Data(key).base64EncodedString()
    }

    /// A handshake with a fresh random key.
    public init() {
        var generator = SystemRandomNumberGenerator()
        self.init(key: (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// The `Sec-WebSocket-Accept` a server that understood `key` answers.
    public static func accept(for key: String) -> String {
        Data(Insecure.SHA1.hash(data: Data((key + guid).utf8))).base64EncodedString()
    }

    /// The HTTP/1.1 upgrade request; `headers` go after the protocol's own.
    public func request(_ target: Target, userAgent: String, headers: [(name: String, value: String)]) -> [UInt8] {
        var lines = [
            "GET \(target.resource) HTTP/1.1",
            "Host: \(target.host)",
            "User-Agent: \(userAgent)",
            "Upgrade: websocket",
            "Connection: Upgrade",
            "Sec-WebSocket-Key: \(key)",
            "Sec-WebSocket-Version: 13",
        ]
        // A header value cannot carry a line break; one that would is dropped rather than sent.
        lines += headers.filter { !"\($0.name)\($0.value)".contains(where: \.isNewline) }.map { "\($0.name): \($0.value)" }
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    /// The answer's head once `bytes` hold all of it, and the bytes after it (the first frames);
    /// nil while it is incomplete. Throws `.tooLarge` when no head ends within `maxHead` bytes,
    /// `.protocolViolation` when it is not an HTTP/1.1 response head.
    public static func parse(_ bytes: [UInt8], maxHead: Int) throws(WebSocketError) -> (response: Response, rest: ArraySlice<UInt8>)? {
        guard let end = headEnd(bytes) else {
            if bytes.count > maxHead { throw WebSocketError(.tooLarge, "the server's answer to the upgrade has a head over \(maxHead) bytes") }
            return nil
        }
        guard end <= maxHead else { throw WebSocketError(.tooLarge, "the server's answer to the upgrade has a head over \(maxHead) bytes") }
        // Header bytes outside ASCII are kept as ISO-8859-1 would read them; they only need to compare.
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), statusLine[1].count == 3,
              let status = Int(statusLine[1]), status >= 100
        else {
            throw .protocolViolation("the answer to the upgrade is not an HTTP/1.1 response")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw .protocolViolation("a malformed header line in the answer to the upgrade")
            }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return (Response(status: status, headers: headers), bytes[(end + 4)...])
    }

    /// Where "\r\n\r\n" starts.
    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    /// Section 4.2.2's checks of the answer; `url` names the server in the errors.
    public func check(_ response: Response, url: String) throws(WebSocketError) {
        guard response.status == 101 else {
            let hint = response.status == 404 ? " (no WebSocket there: an older server, or a wrong URL)" : ""
            throw WebSocketError(.refused(status: response.status),
                                 "\(url) answered the WebSocket upgrade with HTTP \(response.status)\(hint)")
        }
        guard response.header("Upgrade")?.lowercased() == "websocket" else {
            throw .protocolViolation("the 101 answer's Upgrade is not 'websocket'")
        }
        let connection = response.header("Connection")?.lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
        guard connection.contains("upgrade") else { throw .protocolViolation("the 101 answer's Connection has no 'upgrade'") }
        guard response.header("Sec-WebSocket-Accept") == Self.accept(for: key) else {
            throw .protocolViolation("Sec-WebSocket-Accept does not match the key sent (a proxy or server that does not speak WebSocket?)")
        }
        // None was offered, so none may be agreed.
        if response.header("Sec-WebSocket-Extensions") != nil { throw .protocolViolation("an extension was agreed that was not offered") }
        if response.header("Sec-WebSocket-Protocol") != nil { throw .protocolViolation("a subprotocol was agreed that was not offered") }
    }
}
