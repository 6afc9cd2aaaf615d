import Foundation
import Hummingbird

/// `/static/…`: the pages' scripts and styles, from the web directory, with the pages' security
/// headers. Hummingbird's FileMiddleware serves them (ranges, ETags, and `..` refused); other
/// paths pass by untouched.
struct StaticFiles: RouterMiddleware {
    typealias Context = LavaRequestContext
    let files: FileMiddleware<Context, LocalFileSystem>

    init(directory: URL) {
        files = FileMiddleware(
            directory.path, urlBasePath: "/static",
            cacheControl: CacheControl([(.textCss, [.noCache]), (.textJavascript, [.noCache])])
        )
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/static/") else { return try await next(request, context) }
        var response = try await files.handle(request, context: context, next: next)
        SecurityHeaders<Context>.add(to: &response.headers)
        return response
    }
}
