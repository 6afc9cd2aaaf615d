import Foundation
import HTTPTypes

/// Who listens on `/ws/`, and so which events it gets. LAVA 2023.01's publisher sends every
/// event to everyone; here a job's event goes only to those who may see the job (JobAccess),
/// plus the worker it runs on (docs/differences.md).
enum EventListener: Sendable, Equatable {
    /// No credentials, as LAVA 2023.01's lava-worker: devices, workers, announcements, public jobs.
    case anonymous
    /// `LAVA-Host` and its `LAVA-Token` (LAVA 2023.02+): also its own jobs, whoever may see them.
    case worker(String)
    /// `Authorization: Basic user:api-token` (LAVA) or `Token api-token`: also the jobs the user may see.
    case user(UserRecord, groups: Set<String>)

    func receives(_ event: ServerEvent) -> Bool {
        guard case .job(let visibility, let submitter, let groups, let worker) = event.audience else { return true }
        switch self {
        case .anonymous:
            return visibility == .public
        case .worker(let name):
            return visibility == .public || worker == name
        case .user(let user, let userGroups):
            return JobAccess.canView(visibility: visibility, submitter: submitter, viewer: user, jobGroups: groups, viewerGroups: userGroups)
        }
    }

    /// Why the credentials a connection brought are refused, as LAVA's publisher says it.
    struct Refusal: Error, Equatable {
        let message: String
    }

    static let hostHeader = HTTPField.Name("LAVA-Host")!

    /// The listener the upgrade request's headers name; none at all is `.anonymous`.
    static func identify(_ headers: HTTPFields, server: Server) async throws -> Result<EventListener, Refusal> {
        if let name = headers[hostHeader] {
            guard let worker = try await server.database.read({ try await WorkerStore.find($0, name: name) }) else {
                return .failure(Refusal(message: "Unknown worker"))
            }
            guard let token = headers[InternalAPI.tokenHeader], Token.matches(token, hash: worker.tokenHash) else {
                return .failure(Refusal(message: "Invalid worker token"))
            }
            return .success(.worker(name))
        }
        guard let authorization = headers[.authorization] else { return .success(.anonymous) }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return .failure(Refusal(message: "Invalid authorization: send 'Basic base64(user:token)'")) }
        let user: UserRecord?
        switch parts[0].lowercased() {
        case "basic":
            guard let decoded = Data(base64Encoded: String(parts[1])).map({ String(decoding: $0, as: UTF8.self) }),
                  let colon = decoded.firstIndex(of: ":")
            else { return .failure(Refusal(message: "Invalid authorization: send 'Basic base64(user:token)'")) }
            let (name, token) = (String(decoded[..<colon]), String(decoded[decoded.index(after: colon)...]))
            user = try await server.database.read { try await UserStore.find($0, name: name, token: token) }
        case "token":
            let token = String(parts[1])
            user = try await server.database.read { try await UserStore.find($0, token: token) }
        default:
            return .failure(Refusal(message: "Invalid authorization: send 'Basic base64(user:token)'"))
        }
        guard let user else { return .failure(Refusal(message: "Invalid user or token")) }
        let groups = try await server.database.read { try await GroupStore.groups($0, of: user.name) }
        return .success(.user(user, groups: Set(groups)))
    }
}
