import Foundation
import Hummingbird
import Mustache

/// The pages' Mustache templates, read once at start: a template that does not parse stops the
/// server there, not at its first visitor.
struct PageTemplates: Sendable {
    let library: MustacheLibrary

    init(directory: URL) async throws(ServerSetupError) {
        let templates = directory.appendingPathComponent("templates", isDirectory: true).path
        guard WebFiles.hasTemplates(directory) else {
            throw ServerSetupError("no page templates in \(templates) (base.mustache is missing): name the directory holding server/'s templates/ and static/ with --web-dir")
        }
        do {
            library = try await MustacheLibrary(directory: templates, withExtension: "mustache")
        } catch {
            throw ServerSetupError("the page templates in \(templates) do not load: \(error)")
        }
    }

    /// `name` rendered over `values` as a page. Every value goes through the template's `{{…}}`,
    /// which escapes HTML; the templates use no unescaped form (WebPagesTests checks).
    func page(_ name: String, _ values: [String: Any], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        guard let html = library.render(values, withTemplate: name) else {
            // Only a template missing from the installed files gets here.
            return HTMLResponse.make("<!doctype html><title>lava-server</title><p>The page template '\(HTMLEscaping.escaped(name))' is not installed.</p>", status: .internalServerError)
        }
        return HTMLResponse.make(html, status: status, headers: headers)
    }

    /// The page's text, for pages streamed in parts (nil: the template is not installed).
    func html(_ name: String, _ values: [String: Any]) -> String? {
        library.render(values, withTemplate: name)
    }
}

enum HTMLResponse {
    static func make(_ html: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        // Pages show who is signed in and what they may see: no shared cache may keep them.
        fields[.cacheControl] = "no-store"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
