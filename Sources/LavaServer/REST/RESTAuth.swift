import Hummingbird

/// `Authorization: Token <api token>` of the REST API. Reads are open to anyone, as in LAVA;
/// writes need a user, and admin changes an admin.
struct RESTAuth: Sendable {
    let server: Server

    func user(_ request: Request) async throws -> UserRecord? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "token" else {
            throw APIError(.unauthorized, "Authorization header must be 'Token <api token>'")
        }
        let token = String(parts[1])
        guard let user = try await server.database.read({ try await UserStore.find($0, token: token) }) else {
            throw APIError(.unauthorized, "Invalid token: ask an admin for one (lava-server users add NAME)")
        }
        return user
    }

    func requireUser(_ request: Request) async throws -> UserRecord {
        guard let user = try await user(request) else {
            throw APIError(.unauthorized, "Authentication required: send 'Authorization: Token <api token>'")
        }
        return user
    }

    func requireAdmin(_ request: Request) async throws -> UserRecord {
        let user = try await requireUser(request)
        guard user.isAdmin else { throw APIError(.forbidden, "Only admins may do this; '\(user.name)' is not one") }
        return user
    }
}
