import Foundation
import HTTPTypes
import Hummingbird
import LavaCore
import NIOCore

extension InternalAPI {
    /// `POST /scheduler/internal/v1/workers/` (spec §2.1), LAVA's decision order. Username and
    /// password are an admin's name and API token: this server keeps no passwords. Unlike LAVA,
    /// only admins register with them (docs/differences.md): a worker token lets its holder take
    /// the jobs of the worker's devices, secrets included.
    func register(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        guard server.configuration.workerAutoRegister else { throw APIError(.forbidden, "Auto registration is disabled") }
        let form = try await FormBody.read(request, limit: 64 * 1024)
        guard let name = form["name"], !name.isEmpty else { throw APIError.missing("name") }
        do {
            try ObjectName.worker.check(name)
        } catch {
            throw APIError(.badRequest, "Invalid 'name': \(error)")
        }
        let token = Token.generate()
        if let username = form["username"], !username.isEmpty, let password = form["password"], !password.isEmpty {
            let registered = try await server.database.write { db -> String in
                guard let user = try await UserStore.find(db, name: username, token: password) else {
                    throw APIError(.forbidden, "Unknown user \(username)")
                }
                guard user.isAdmin else {
                    throw APIError(.forbidden, "Only admins may register workers; '\(username)' is not one")
                }
                if try await WorkerStore.find(db, name: name) != nil {
                    // LAVA hands a superuser the existing token; ours is only stored hashed, so
                    // the superuser gets a fresh one and the old one stops working.
                    try await WorkerStore.setTokenHash(db, name: name, tokenHash: Token.hash(token))
                    return token
                }
                try await WorkerStore.insert(db, name: name, tokenHash: Token.hash(token), description: "Auto registered by \(username)")
                return token
            }
            return try JSONResponse.make(RegisterResponse(name: name, token: registered))
        }
        let ip = ClientAddress.resolve(
            peer: context.remoteAddress?.ipAddress,
            forwardedFor: request.headers[values: Self.forwardedForHeader],
            trustedProxies: server.configuration.trustedProxies)
        guard let ip else { throw APIError(.badRequest, "Missing client ip") }
        guard server.configuration.autoRegisterNetworks.contains(where: { $0.contains(ip) }) else {
            throw APIError(.forbidden, "Auto registration is forbidden for '\(ip)'")
        }
        try await server.database.write { db in
            if try await WorkerStore.find(db, name: name) != nil {
                throw APIError(.forbidden, "Worker '\(name)' already registered")
            }
            try await WorkerStore.insert(db, name: name, tokenHash: Token.hash(token), description: "Auto registered by \(ip)")
        }
        return try JSONResponse.make(RegisterResponse(name: name, token: token))
    }

    static let forwardedForHeader = HTTPField.Name("X-Forwarded-For")!
}
