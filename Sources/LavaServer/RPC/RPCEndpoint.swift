import Hummingbird
import Logging
import XMLRPC

/// `POST /RPC2`: LAVA's XML-RPC API, which lavacli speaks. Faults are HTTP 200 with LAVA's
/// codes; only a refused Authorization header or an oversized body is an HTTP error.
struct RPCEndpoint: Sendable {
    let methods: [String: RPCMethod]

    /// A job definition may be 4 MiB, and Python writes `&` as `&amp;`.
    static let maxBody = 16 * 1024 * 1024
    let server: Server

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
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maxBody)
        } catch {
            throw APIError(.contentTooLarge, text: "An XML-RPC call may be at most 16 MiB")
        }
        let result: XMLRPCResponse
        do {
            result = await perform(try XMLRPCCall(parsing: Array(body.readableBytesView)), user: user, logger: context.logger)
        } catch {
            result = .fault(error)
        }
        return Response(status: .ok, headers: [.contentType: "text/xml; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: result.encoded())))
    }

    /// Runs the method; the errors the server's own parts throw become faults with their status
    /// as the code, and anything else the internal error (the cause in the server's log).
    private func perform(_ call: XMLRPCCall, user: UserRecord?, logger: Logger) async -> XMLRPCResponse {
        guard let method = methods[call.method] else { return .fault(.noSuchMethod(String(call.method.prefix(200)))) }
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
