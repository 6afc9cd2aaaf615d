import Foundation
import Hummingbird
import Logging

/// Serves fixed files over HTTP on loopback (test archives, a fixed API answer), each at its
/// path without the leading `/`; any other path is a 404.
public enum FileServer {
    public static func run<R: Sendable>(
        files: [String: Data], _ body: @Sendable (_ baseURL: String) async throws -> R
    ) async throws -> R {
        let router = Router()
        router.get("**") { request, _ -> Response in
            guard let data = files[String(request.uri.path.dropFirst())] else {
                return Response(status: .notFound)
            }
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
        var logger = Logger(label: "archive-server")
        logger.logLevel = .critical
        let (ports, portFound) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portFound.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        return try await withThrowingTaskGroup(of: R?.self) { group in
            group.addTask {
                defer { portFound.finish() }
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            defer { group.cancelAll() }
            return try await body("http://127.0.0.1:\(port)")
        }
    }
}
