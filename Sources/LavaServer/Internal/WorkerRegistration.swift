import Foundation
import HTTPTypes
import Hummingbird
import LavaCore
import NIOCore

extension InternalAPI {
    /// `POST /scheduler/internal/v1/workers/` (spec §2.1), LAVA's decision order. Username and
    /// password are an admin's name and API token: this server keeps no passwords.
    func register(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        guard server.configuration.workerAutoRegister else { throw APIError(.forbidden, "Auto registration is disabled") }
        let form = try await FormBody.read(request, limit: 64 * 1024)
        guard let name = form["name"], !name.isEmpty else { throw APIError.missing("name") }
        guard WorkerName.isValid(name) else {
            throw APIError(.badRequest, "Invalid 'name': use letters, digits, '-', '_' and '.'")
        }
        let token = Token.generate()
        if let username = form["username"], !username.isEmpty, let password = form["password"], !password.isEmpty {
            let registered = try await server.database.write { db -> String? in
                guard let user = try await UserStore.find(db, name: username, token: password) else {
                    throw APIError(.forbidden, "Unknown user \(username)")
                }
                if try await WorkerStore.find(db, name: name) != nil {
                    guard user.isAdmin else { throw APIError(.forbidden, "Worker '\(name)' already registered") }
                    // LAVA hands a superuser the existing token; ours is only stored hashed, so
                    // the superuser gets a fresh one and the old one stops working.
                    try await WorkerStore.setTokenHash(db, name: name, tokenHash: Token.hash(token))
                    return token
                }
                try await WorkerStore.insert(db, name: name, tokenHash: Token.hash(token), description: "Auto registered by \(username)")
                return token
            }
            return try JSONResponse.make(RegisterResponse(name: name, token: registered ?? token))
        }
        guard let ip = clientIP(request, context) else { throw APIError(.badRequest, "Missing client ip") }
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

    /// LAVA's rule: the last `X-Forwarded-For` element when the header is present (a proxy in
    /// front sets it), else the peer address.
    private func clientIP(_ request: Request, _ context: LavaRequestContext) -> String? {
        if let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!] {
            return forwarded.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return context.remoteAddress?.ipAddress
    }
}

/// LAVA's rule for worker names: `[-_a-zA-Z0-9.]+`.
enum WorkerName {
    static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
    }
}
