import Hummingbird
import Logging

/// A page that cannot be shown, or a form that was refused: its status and what the visitor can
/// do, rendered as the error page by `PageErrors`.
struct PageError: Error, Sendable {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    static func notFound(_ what: String) -> PageError { PageError(.notFound, "\(what) was not found, or you may not see it.") }
}

/// Renders what the pages' handlers throw as an HTML error page instead of the API's JSON.
struct PageErrors: RouterMiddleware {
    typealias Context = LavaRequestContext
    let templates: PageTemplates
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as PageError {
            return templates.page("error", ["title": "\(error.status.code) \(error.status.reasonPhrase)", "message": error.message], status: error.status)
        } catch let error as AdminError {
            return templates.page("error", ["title": "\(error.status.code) \(error.status.reasonPhrase)", "message": error.description], status: error.status)
        } catch let error as APIError {
            let message: String
            switch error.body {
            case .json(let text), .text(let text): message = text
            }
            return templates.page("error", ["title": "\(error.status.code) \(error.status.reasonPhrase)", "message": message], status: error.status)
        } catch let error as HTTPResponseError {
            // Hummingbird's own (a body too large, say): its status, on the error page.
            return templates.page("error", ["title": "\(error.status.code) \(error.status.reasonPhrase)",
                                            "message": "The server could not answer this request."], status: error.status)
        } catch {
            // What went wrong inside stays in the server's log, not on the page.
            logger.error("page \(request.uri.path) failed: \(error)")
            return templates.page("error", ["title": "500 Internal Server Error",
                                            "message": "The server could not show this page; its log says why."], status: .internalServerError)
        }
    }
}
