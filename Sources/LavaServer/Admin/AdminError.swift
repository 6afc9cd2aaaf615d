import Hummingbird

/// A refused admin change (CLI or REST): what is wrong and how to fix it.
public struct AdminError: HTTPResponseError, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let description: String

    init(_ status: HTTPResponse.Status, _ description: String) {
        self.status = status
        self.description = description
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try APIError(status, description).response(from: request, context: context)
    }
}
