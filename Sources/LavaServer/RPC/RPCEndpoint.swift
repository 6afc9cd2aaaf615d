import Hummingbird
import Logging
import NIOPosix
import XMLRPC

/// `POST /RPC2`: LAVA's XML-RPC API, which lavacli speaks. Faults are HTTP 200 with LAVA's
/// codes; a refused Authorization header (400, 401) and an oversized body (413) are HTTP
/// errors, as LAVA's, and so is a database that does not answer (500).
struct RPCEndpoint: Sendable {
    let methods: [String: RPCMethod]
    let server: Server

    /// A user's call may carry a 4 MiB job definition, which Python writes with `&` as `&amp;`.
    static let maxBody = 16 * 1024 * 1024
    /// An anonymous caller cannot submit, so nothing it may call needs more (as the pages' forms).
    static let maxAnonymousBody = 64 * 1024

    init(server: Server, scheduler: SchedulerService?) {
        self.server = server
        let others = JobsRPC(server: server, scheduler: scheduler).methods
            + WorkersRPC(server: server, scheduler: scheduler).methods
            + DevicesRPC(server: server, scheduler: scheduler).methods
        let all = others + SystemRPC.methods(server: server, others: others)
        methods = Dictionary(all.map { ($0.name, $0) }) { first, _ in first }
    }

    func addRoutes(to router: Router<LavaRequestContext>) {
        router.post("RPC2") { request, context in try await answer(request, context) }
    }

    private func answer(_ request: Request, _ context: LavaRequestContext) async throws -> Response {
        let user: UserRecord?
        switch try await RPCAuth(server: server).user(request) {
        case .success(let found): user = found
        case .failure(let refusal): return RPCAuth.response(refusal)
        }
        let limit = user == nil ? Self.maxAnonymousBody : Self.maxBody
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, text: user == nil
                ? "An anonymous XML-RPC call may be at most 64 KiB: give a user name and API token"
                : "An XML-RPC call may be at most 16 MiB")
        }
        // Parsed off the request's task: a 16 MiB call takes a good fraction of a second.
        let result: XMLRPCResponse
        switch try await NIOThreadPool.singleton.runIfActive({ Self.parse(body) }) {
        case .success(let call): result = await perform(call, user: user, logger: context.logger)
        case .failure(let fault): result = .fault(fault)
        }
        return Response(status: .ok, headers: [.contentType: "text/xml; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: result.encoded())))
    }

    private static func parse(_ body: ByteBuffer) -> Result<XMLRPCCall, XMLRPCFault> {
        body.withUnsafeReadableBytes { bytes in
            do throws(XMLRPCFault) {
                return .success(try XMLRPCCall(parsing: bytes))
            } catch {
                return .failure(error)
            }
        }
    }

    /// Runs the method; the errors the server's own parts throw become faults with their status
    /// as the code, and anything else the internal error (the cause in the server's log).
    private func perform(_ call: XMLRPCCall, user: UserRecord?, logger: Logger) async -> XMLRPCResponse {
        guard let method = methods[call.method] else { return .fault(.noSuchMethod(call.method)) }
        do {
            let arguments = try RPCArguments(method: method.name, values: call.params, accepting: method.parameters)
            return .value(try await method.call(RPCCall(user: user, arguments: arguments)))
        } catch let fault as XMLRPCFault {
            return .fault(fault)
        } catch let error as AdminError {
            return .fault(XMLRPCFault(Int(error.status.code), error.description))
        } catch let error as APIError {
            return .fault(XMLRPCFault(Int(error.status.code), error.message))
        } catch {
            logger.error("XML-RPC \(method.name) failed: \(error)")
            return .fault(.internalError)
        }
    }
}
