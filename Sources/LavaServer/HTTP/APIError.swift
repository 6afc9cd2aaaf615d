import Foundation
import Hummingbird
import LavaCore

/// An error answered to a client with LAVA's status code and body. The internal API always
/// answers `{"error": …}`; the log endpoint's 413 is plain text, as Django's.
public struct APIError: HTTPResponseError, CustomStringConvertible {
    public enum Body: Sendable {
        case json(String)
        case text(String)
    }

    public let status: HTTPResponse.Status
    public let body: Body

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.body = .json(message)
    }

    public init(_ status: HTTPResponse.Status, text: String) {
        self.status = status
        self.body = .text(text)
    }

    /// The message alone, without the status.
    public var message: String {
        switch body {
        case .json(let message), .text(let message): message
        }
    }

    public var description: String { "\(status.code) \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        switch body {
        case .json(let message):
            return try JSONResponse.make(ErrorBody(error: message), status: status)
        case .text(let text):
            return Response(
                status: status,
                headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text))
            )
        }
    }
}

extension APIError {
    static func missingToken() -> APIError { APIError(.badRequest, "Missing 'token'") }
    static func invalidToken() -> APIError { APIError(.badRequest, "Invalid 'token'") }
    static func unknownWorker(_ name: String) -> APIError { APIError(.notFound, "Unknown worker '\(name)'") }
    static func unknownJob(_ id: String) -> APIError { APIError(.notFound, "Unknown job '\(id)'") }
    static func missing(_ field: String) -> APIError { APIError(.badRequest, "Missing '\(field)'") }
    static func invalid(_ field: String) -> APIError { APIError(.badRequest, "Invalid '\(field)'") }
    static let tooLarge = APIError(.contentTooLarge, text: "The dataset provided is too large. Please reduce size and try again.")
}
