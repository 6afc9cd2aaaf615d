import Foundation
import Hummingbird

/// Who calls `/RPC2`: LAVA's HTTP Basic auth with the user's name and API token (lavacli puts
/// them in the URI, `http://user:token@host/RPC2`); anonymous without the header.
struct RPCAuth: Sendable {
    let server: Server

    /// Why the header was refused, answered as HTTP errors as LAVA does, before any call is read.
    enum Refusal: Error {
        case malformed(String)
        case invalidToken
    }

    func user(_ request: Request) async throws -> Result<UserRecord?, Refusal> {
        guard let header = request.headers[.authorization] else { return .success(nil) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return .failure(.malformed("Invalid HTTP_AUTHORIZATION header")) }
        guard parts[0].lowercased() == "basic" else {
            return .failure(.malformed("Unsupported HTTP_AUTHORIZATION header, only Basic scheme is supported"))
        }
        guard parts[1].utf8.count <= 1024, let data = Data(base64Encoded: String(parts[1])),
              let pair = String(data: data, encoding: .utf8) else {
            return .failure(.malformed("Corrupted HTTP_AUTHORIZATION header, bad base64 encoding"))
        }
        guard let colon = pair.firstIndex(of: ":") else { return .failure(.malformed("Corrupted HTTP_AUTHORIZATION header, no user:pass")) }
        let (name, token) = (String(pair[..<colon]), String(pair[pair.index(after: colon)...]))
        guard let user = try await server.database.read({ try await UserStore.find($0, name: name, token: token) }) else {
            return .failure(.invalidToken)
        }
        return .success(user)
    }

    /// LAVA's answers: 400 with the reason, or 401 "Invalid token" with a Basic challenge.
    static func response(_ refusal: Refusal) -> Response {
        switch refusal {
        case .malformed(let reason):
            return Response(status: .badRequest, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: reason)))
        case .invalidToken:
            return Response(status: .unauthorized,
                            headers: [.contentType: "text/plain; charset=utf-8", .wwwAuthenticate: "Basic realm=\"XML-RPC Authentication token\""],
                            body: .init(byteBuffer: ByteBuffer(string: "Invalid token")))
        }
    }
}
