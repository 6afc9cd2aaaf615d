import Foundation
import Hummingbird
import LavaCore
import Yams

/// `GET|POST /api/v0.2/devices/<name>/dictionary/`, as LAVA's REST API: the dictionary as given
/// (`text/plain`), or with `?render=true` (and optionally `&context=<YAML>`) its rendering
/// (`application/yaml`); POST `dictionary` (JSON or form) replaces it. Admins only, also for
/// reading: a dictionary may hold a lab's power-switch and console credentials.
struct DeviceDictionaryAPI: Sendable {
    let server: Server

    func addRoutes(to router: Router<LavaRequestContext>) {
        router.get("api/v0.2/devices/:name/dictionary") { request, context in
            _ = try await RESTAuth(server: server).requireAdmin(request)
            let device = try await Inventory(database: server.database).device(context.parameters.get("name") ?? "")
            guard Self.flag(request.uri.queryParameters.get("render").map { String($0) }) else {
                return Self.text(device.dictionary, contentType: "text/plain; charset=utf-8", file: "\(device.name).jinja2")
            }
            let jobContext = try Self.context(request.uri.queryParameters.get("context").map { String($0) })
            do {
                let rendering = try server.deviceTemplates.configuration(device: device, context: jobContext)
                return Self.text(rendering, contentType: "application/yaml", file: "\(device.name).yaml")
            } catch {
                throw APIError(.badRequest, "Device '\(device.name)' does not render: \(error)")
            }
        }
        router.post("api/v0.2/devices/:name/dictionary") { request, context in
            _ = try await RESTAuth(server: server).requireAdmin(request)
            let name = context.parameters.get("name") ?? ""
            let text = try await Self.dictionaryField(request)
            try await Inventory(database: server.database).setDictionary(device: name, try Self.checked(text, file: "dictionary", server))
            return try JSONResponse.make(["message": "device config successfully updated"])
        }
    }

    static func checked(_ text: String, file: String, _ server: Server) throws(APIError) -> DeviceDictionary {
        do {
            return try DeviceDictionary(text, file: file, templates: server.deviceTemplates)
        } catch {
            throw APIError(.badRequest, "Invalid device dictionary: \(error)")
        }
    }

    /// LAVA reads `dictionary` from either kind of body (Django REST framework's parsers).
    private static func dictionaryField(_ request: Request) async throws -> String {
        struct Body: Decodable { var dictionary: String? }
        let value: String?
        if request.headers[.contentType]?.hasPrefix("application/json") == true {
            value = try await DevicesAPI.decode(Body.self, request).dictionary
        } else {
            value = try await FormBody.read(request, limit: 1024 * 1024)["dictionary"]
        }
        guard let value else { throw APIError(.badRequest, "'dictionary' is required: the device dictionary's text") }
        return value
    }

    private static func context(_ text: String?) throws(APIError) -> JobContext {
        guard let text else { return .empty }
        do {
            return try JobContext(yaml: text)
        } catch {
            throw APIError(.badRequest, "Job Context '\(text)' is not valid: \(error)")
        }
    }

    private static func flag(_ value: String?) -> Bool {
        guard let value else { return false }
        return !["", "0", "false", "False", "no"].contains(value)
    }

    private static func text(_ body: String, contentType: String, file: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: contentType, .contentDisposition: "attachment; filename=\(file)"],
            body: .init(byteBuffer: ByteBuffer(string: body))
        )
    }
}
