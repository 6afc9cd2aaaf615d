import Hummingbird

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
        }
    }
}
