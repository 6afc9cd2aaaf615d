import Foundation
import LavaCore
import XMLRPC

/// `scheduler.workers.*`: list, show, update, and a worker's configuration files, with LAVA
/// 2023.01's shapes (lava_scheduler_app/api/workers.py).
struct WorkersRPC: Sendable {
    let server: Server
    let scheduler: SchedulerService?

    var methods: [RPCMethod] {
        [
            RPCMethod(name: "scheduler.workers.list", parameters: [], help: """
                Every worker's hostname, sorted.
                """) { _ in try await list() },
            RPCMethod(name: "scheduler.workers.show", parameters: ["hostname"], help: """
                A worker's hostname, description, state, health, devices, last_ping, job_limit, \
                version, and whether it uses the default dispatcher configuration, env and \
                env-dut files (default_config, default_env, default_env_dut).
                """) { try await show($0) },
            RPCMethod(name: "scheduler.workers.update", parameters: ["hostname", "description", "health", "job_limit"], help: """
                Sets a worker's description, health (ACTIVE, MAINTENANCE or RETIRED) and job \
                limit (0: none), each left as it is when None. Admins only.
                """) { try await update($0) },
            file("get_config", "dispatcher configuration") { try $0.dispatcher(worker: $1) },
            file("get_env", "env file") { try $0.env(worker: $1) },
            file("get_env_dut", "env-dut file") { try $0.envDUT(worker: $1) },
        ]
    }

    private func worker(_ name: String) async throws -> WorkerRecord {
        guard let worker = try await server.database.read({ try await WorkerStore.find($0, name: name) }) else {
            throw XMLRPCFault(404, "Worker '\(name.prefix(200))' was not found.")
        }
        return worker
    }

    private func list() async throws -> XMLRPCValue {
        let workers = try await server.database.read { try await WorkerStore.all($0) }
        return .array(workers.map(\.name).sorted().map(XMLRPCValue.string))
    }

    private func show(_ call: RPCCall) async throws -> XMLRPCValue {
        let worker = try await worker(try call.arguments.string(0))
        let devices = try await server.database.read { try await DeviceStore.on($0, worker: worker.name) }
        let own = try server.workerFiles.ownFiles(worker: worker.name)
        return .structure([
            "hostname": .string(worker.name),
            "description": .string(worker.description),
            "state": .string(worker.state.name),
            "health": .string(worker.health.name),
            "devices": .array(devices.map(\.name).sorted().map(XMLRPCValue.string)),
            // lavacli reads it as a date whatever happened: a worker that never pinged shows 1970.
            "last_ping": .dateTime(Date(timeIntervalSince1970: worker.lastPing ?? 0)),
            "job_limit": .int(worker.jobLimit),
            "version": .string(worker.version),
            "default_config": .bool(!own.dispatcher),
            "default_env": .bool(!own.env),
            "default_env_dut": .bool(!own.envDUT),
        ])
    }

    private func update(_ call: RPCCall) async throws -> XMLRPCValue {
        _ = try call.requireAdmin(to: "change workers")
        let arguments = call.arguments
        let name = try arguments.string(0)
        let health = try arguments.optionalString(2).map { (text) throws(XMLRPCFault) in
            guard let health = WorkerHealth(name: text) else {
                throw XMLRPCFault(400, "Invalid health: \(text.prefix(40)) (one of ACTIVE, MAINTENANCE, RETIRED)")
            }
            return health
        }
        try await Inventory(database: server.database).updateWorker(
            name, description: try arguments.optionalString(1), health: health, jobLimit: try arguments.optionalInt(3))
        scheduler?.wake()
        return .nil
    }

    /// One of the worker's files (the one its jobs get), as LAVA sends it: base64. Admins only,
    /// unlike LAVA: an env file may hold a lab's proxy credentials.
    private func file(_ method: String, _ what: String, _ read: @escaping @Sendable (WorkerConfigFiles, String) throws -> String) -> RPCMethod {
        RPCMethod(name: "scheduler.workers.\(method)", parameters: ["hostname"], help: """
            The worker's \(what), as its jobs get it (base64). Admins only.
            """) { call in
            _ = try call.requireAdmin(to: "read workers' files")
            let worker = try await worker(try call.arguments.string(0))
            let text = try read(server.workerFiles, worker.name)
            guard !text.isEmpty else { throw XMLRPCFault(404, "Worker '\(worker.name)' does not have a \(what)") }
            return .base64(Array(text.utf8))
        }
    }
}
