import CCurl

/// A transfer that did not produce an HTTP response: cancelled, timed out, or failed
/// (connection refused, DNS, TLS).
public struct CurlError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The calling task was cancelled and the transfer abandoned (`perform`, `stream`).
        case cancelled
        /// The request ran out of time (LAVA's worker reports these as a synthetic 504).
        case timedOut
        /// Any other failure; `code` is libcurl's CURLcode, -1 when libcurl was not reached.
        case failed(code: Int)
    }

    public let kind: Kind
    public let description: String

    /// What a cancelled `perform` or `stream` throws.
    public static let cancelled = CurlError(kind: .cancelled, description: "the request was cancelled")

    init(_ code: CURLcode, detail: String) {
        let summary = String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_ABORTED_BY_CALLBACK: kind = .cancelled
        case CURLE_OPERATION_TIMEDOUT: kind = .timedOut
        default: kind = .failed(code: Int(code.rawValue))
        }
        description = detail.isEmpty ? summary : "\(summary): \(detail)"
    }

    init(message: String) {
        self.init(kind: .failed(code: -1), description: message)
    }

    private init(kind: Kind, description: String) {
        self.kind = kind
        self.description = description
    }

    public var isTimeout: Bool { kind == .timedOut }

    public var isCancelled: Bool { kind == .cancelled }
}
