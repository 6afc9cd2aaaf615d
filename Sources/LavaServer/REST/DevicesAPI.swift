import Foundation
import Hummingbird

/// `/api/v0.2/devicetypes/` and `/api/v0.2/devices/`: list for anyone, create for admins.
struct DevicesAPI: Sendable {
    let server: Server

    func addRoutes(to router: Router<LavaRequestContext>) {
        router.get("api/v0.2/devicetypes") { request, _ in
            let page = try PageRequest(request)
            let types = try await server.database.read { try await DeviceStore.types($0) }
            return try JSONResponse.make(page.page(slicing: types.map { ["name": $0] }, request: request))
        }
        router.post("api/v0.2/devicetypes") { request, _ in
            _ = try await RESTAuth(server: server).requireAdmin(request)
            let body = try await Self.decode(DeviceTypeCreation.self, request)
            try await Inventory(database: server.database).addDeviceType(body.name)
            return try JSONResponse.make(["name": body.name], status: .created)
        }
        router.get("api/v0.2/devices") { request, _ in
            let page = try PageRequest(request)
            let devices = try await server.database.read { try await DeviceStore.all($0) }
            return try JSONResponse.make(page.page(slicing: devices.map(DeviceView.init), request: request))
        }
        router.get("api/v0.2/devices/:name") { _, context in
            let name = context.parameters.get("name") ?? ""
            guard let device = try await server.database.read({ try await DeviceStore.find($0, name: name) }) else {
                throw APIError(.notFound, "Unknown device '\(name)'")
            }
            return try JSONResponse.make(DeviceView(device))
        }
        router.post("api/v0.2/devices") { request, _ in
            _ = try await RESTAuth(server: server).requireAdmin(request)
            let body = try await Self.decode(DeviceCreation.self, request)
            let health: DeviceHealth
            if let text = body.health {
                guard let parsed = DeviceHealth(name: text) else {
                    throw APIError(.badRequest, "Invalid 'health': one of \(DeviceHealth.allCases.map(\.name).joined(separator: ", "))")
                }
                health = parsed
            } else {
                health = .good
            }
            let dictionary = try body.dictionary.map { text throws(APIError) in try DeviceDictionaryAPI.checked(text, file: "dictionary", server) }
            let device = try await Inventory(database: server.database).addDevice(
                name: body.hostname, type: body.deviceType, worker: body.workerHost, health: health, dictionary: dictionary ?? .none)
            return try JSONResponse.make(DeviceView(device), status: .created)
        }
    }

    /// A JSON body of at most 1 MiB.
    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        let body = try await request.body.collect(upTo: 1024 * 1024)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: body))
        } catch {
            throw APIError(.badRequest, "Invalid JSON body: \(error)")
        }
    }

    struct DeviceTypeCreation: Decodable {
        var name: String
    }

    struct DeviceCreation: Decodable {
        var hostname: String
        var deviceType: String
        var workerHost: String
        var health: String?
        var dictionary: String?

        enum CodingKeys: String, CodingKey {
            case hostname, health, dictionary
            case deviceType = "device_type"
            case workerHost = "worker_host"
        }
    }
}

struct DeviceView: Encodable, Sendable {
    var hostname: String
    var deviceType: String
    var workerHost: String
    var state: String
    var health: String

    enum CodingKeys: String, CodingKey {
        case hostname, state, health
        case deviceType = "device_type"
        case workerHost = "worker_host"
    }

    init(_ device: DeviceRecord) {
        hostname = device.name
        deviceType = device.deviceType
        workerHost = device.worker
        state = device.state.name
        health = device.health.name
    }
}
