import Hummingbird
import LavaCore

/// `/scheduler/alldevices` and `/scheduler/device/<name>`: devices with their worker, type,
/// state, health and current job; a device's recent jobs.
struct DevicePages: Sendable {
    let web: WebPages

    func addRoutes(to pages: RouterGroup<LavaRequestContext>) {
        pages.get("scheduler/alldevices") { request, context in try await list(request, context) }
        pages.get("scheduler/device/:name") { request, context in try await show(request, context) }
    }

    func list(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let server = web.server
        let visit = try await web.sessions.visit(request, context)
        let paging = try Paging(request, defaultLength: 100)
        let viewer = visit.user
        let (count, devices, active) = try await server.database.read { db in
            let (count, devices) = try await DeviceStore.page(db, limit: paging.length, offset: paging.offset)
            return (count, devices, try await JobStore.active(db, visibleTo: viewer, devices: devices.map(\.name)))
        }
        let jobByDevice = Dictionary(active.map { ($0.device ?? "", $0) }) { first, _ in first }
        return web.page("devices", title: "Devices", visit: visit, [
            "devices": devices.map { values($0, job: jobByDevice[$0.name]) },
            "pager": paging.values(count: count, path: "/scheduler/alldevices", keeping: []),
        ])
    }

    func show(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let server = web.server
        let visit = try await web.sessions.visit(request, context)
        let name = context.parameters.get("name") ?? ""
        let viewer = visit.user
        let found = try await server.database.read { db -> (DeviceRecord, ActiveJob?, [JobRecord])? in
            guard let device = try await DeviceStore.find(db, name: name) else { return nil }
            let job = try await JobStore.active(db, visibleTo: viewer, devices: [name]).first
            let recent = try await JobStore.list(db, JobQuery(device: name, withDefinitions: false, limit: 25, offset: 0, viewer: viewer)).jobs
            return (device, job, recent)
        }
        guard let (device, job, recent) = found else { throw PageError.notFound("Device '\(name)'") }
        return web.page("device", title: "Device \(device.name)", visit: visit, [
            "device": values(device, job: job),
            "jobs": recent.map(JobListPage.row),
            "healths": [DeviceHealth.good, .unknown, .maintenance, .bad, .retired].map { ["name": $0.name, "selected": $0 == device.health] },
            "admin": visit.isAdmin,
        ])
    }

    private func values(_ device: DeviceRecord, job: ActiveJob?) -> [String: Any] {
        var values: [String: Any] = [
            "name": device.name, "type": device.deviceType, "worker": device.worker,
            "state": device.state.name, "health": device.health.name,
        ]
        if let job { values["job"] = ["id": job.id] }
        return values
    }
}
