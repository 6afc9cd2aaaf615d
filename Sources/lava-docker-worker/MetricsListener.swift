import DockerWorker
import FlyingFox
import Foundation
import Logging
import ServiceLifecycle

/// Serves `SupervisorMetrics` as Prometheus text at `http://--metrics-address/metrics`.
///
/// On FlyingFox (BSD sockets and Swift concurrency): the listed HTTP servers (Hummingbird,
/// Vapor) run on SwiftNIO, which the worker binaries do without. An address it cannot bind is
/// logged and the supervisor goes on: the worker matters more than its metrics.
struct MetricsListener: Service {
    let address: MetricsAddress
    let metrics: SupervisorMetrics
    let logger: Logger

    func run() async {
        guard let socketAddress = try? address.socketAddress() else { return }
        let server = HTTPServer(address: socketAddress, logger: .disabled)
        await server.appendRoute("GET /metrics") { [metrics] _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                         body: Data(metrics.render().utf8))
        }
        await cancelWhenGracefulShutdown { [logger, address] in
            await withDiscardingTaskGroup { group in
                group.addTask {
                    do {
                        try await server.run()
                    } catch {
                        guard !Task.isCancelled else { return }
                        logger.error("cannot serve metrics at \(address): \(error); going on without them (check --metrics-address)")
                    }
                }
                group.addTask {
                    if (try? await server.waitUntilListening(timeout: 10)) != nil {
                        logger.info("metrics at \(address.metricsURL)")
                    }
                }
            }
        }
    }
}
