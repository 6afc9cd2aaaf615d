import LavaCore
import XMLRPC

/// `scheduler.devices.*`: list, show, and a device's health, with LAVA 2023.01's shapes
/// (lava_scheduler_app/api/devices.py). A device's current job is shown only to those who may
/// see that job, as on the pages.
struct DevicesRPC: Sendable {
    let server: Server
    let scheduler: SchedulerService?

    var methods: [RPCMethod] {
        [
            RPCMethod(name: "scheduler.devices.list", parameters: ["show_all", "offline_info"], help: """
                Devices sorted by hostname, each with its type, state, health and current job; \
                retired ones only with show_all.
                """) { try await list($0) },
            RPCMethod(name: "scheduler.devices.show", parameters: ["hostname"], help: """
                A device's hostname, device_type, state, health, worker, current_job, \
                has_device_dict, description, health_job, pipeline and tags.
                """) { try await show($0) },
            RPCMethod(name: "scheduler.devices.update",
                      parameters: ["hostname", "worker_hostname", "user_name", "group_name", "public", "health", "description", "device_type"],
                      help: """
                Sets a device's health (GOOD, UNKNOWN, LOOPING, BAD, MAINTENANCE or RETIRED). \
                Admins only. The other fields cannot be changed here: pass None.
                """) { try await update($0) },
        ]
    }

    private func list(_ call: RPCCall) async throws -> XMLRPCValue {
        let all = try call.arguments.bool(0, default: false)
        _ = try call.arguments.bool(1, default: false)
        let viewer = call.user
        let (devices, active) = try await server.database.read { db in
            (try await DeviceStore.all(db), try await JobStore.active(db, visibleTo: viewer))
        }
        let jobs = Dictionary(active.compactMap { job in job.device.map { ($0, job.id) } }) { first, _ in first }
        return .array(devices.filter { all || $0.health != .retired }.sorted { $0.name < $1.name }.map { device in
            .structure([
                "hostname": .string(device.name), "type": .string(device.deviceType),
                "state": .string(device.state.name), "health": .string(device.health.name),
                "current_job": .int(jobs[device.name]), "pipeline": .bool(true),
            ])
        })
    }

    private func show(_ call: RPCCall) async throws -> XMLRPCValue {
        let name = try call.arguments.string(0)
        let viewer = call.user
        let found = try await server.database.read { db -> (DeviceRecord, Int?)? in
            guard let device = try await DeviceStore.find(db, name: name) else { return nil }
            return (device, try await JobStore.active(db, visibleTo: viewer, devices: [name]).first?.id)
        }
        guard let (device, job) = found else { throw XMLRPCFault(404, "Device '\(name.prefix(200))' was not found.") }
        return .structure([
            "hostname": .string(device.name), "device_type": .string(device.deviceType),
            "state": .string(device.state.name), "health": .string(device.health.name),
            "worker": .string(device.worker), "current_job": .int(job),
            "has_device_dict": .bool(!device.dictionary.isEmpty), "description": .nil,
            "health_job": .bool(false), "pipeline": .bool(true), "tags": .array([]),
        ])
    }

    private func update(_ call: RPCCall) async throws -> XMLRPCValue {
        _ = try call.requireAdmin(to: "change devices")
        let arguments = call.arguments
        let name = try arguments.string(0)
        for (index, field) in [(1, "worker_hostname"), (2, "user_name"), (3, "group_name"), (6, "description"), (7, "device_type")]
        where try arguments.optionalString(index) != nil {
            throw XMLRPCFault(400, "'\(field)' cannot be changed here; only the health can (lava-server devices for the rest)")
        }
        guard try arguments.bool(4, default: true) else {
            throw XMLRPCFault(400, "'public' cannot be changed here: every device is public on this server")
        }
        guard let text = try arguments.optionalString(5) else { return .nil }
        guard let health = DeviceHealth(name: text) else { throw XMLRPCFault(400, "Health '\(text.prefix(40))' is invalid") }
        try await Inventory(database: server.database).setDeviceHealth(name, health)
        scheduler?.wake()
        return .nil
    }
}
