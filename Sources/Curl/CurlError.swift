import CCurl

/// A transfer that did not produce an HTTP response: connection refused, DNS, TLS, timeout.
public struct CurlError: Error, Sendable, CustomStringConvertible {
    public let code: Int
    public let description: String

    init(_ code: CURLcode, detail: String) {
        self.code = Int(code.rawValue)
        let summary = String(cString: curl_easy_strerror(code))
        self.description = detail.isEmpty ? summary : "\(summary): \(detail)"
    }

    init(message: String) {
        code = -1
        description = message
    }

    /// The request ran out of time (LAVA's worker reports these as a synthetic 504).
    public var isTimeout: Bool { code == Int(CURLE_OPERATION_TIMEDOUT.rawValue) }

    /// The calling Task was cancelled and the transfer was aborted (`CurlSession.stream`).
    public var isCancelled: Bool { code == Int(CURLE_ABORTED_BY_CALLBACK.rawValue) }
}
