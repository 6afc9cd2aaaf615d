import ArgumentParser
import Curl
import DockerWorker
import Foundation

/// `lava-docker-worker status`: what a supervisor started with --metrics-address says, for a person.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print what the running lava-docker-worker reports at its --metrics-address.",
        discussion: """
            Reads http://ADDRESS/metrics of a lava-docker-worker started with --metrics-address and prints its \
            phase, the versions of lava-docker-worker, of the worker container and of the server, the server's \
            announced next version (and whether its image is here), container starts and restarts, image pulls, an \
            image refused for its digest, the last answer of the server (time and age) and the jobs its worker runs.

            Exit status:
              0   printed
              69  nothing answers there (not running, or not with --metrics-address)
              76  something answers, but not with lava-docker-worker's metrics
            """
    )

    @Option(name: .customLong("metrics-address"), help: "The --metrics-address of the running lava-docker-worker.")
    var metricsAddress = MetricsAddress.standard

    func run() async throws {
        let url = metricsAddress.metricsURL
        let response: CurlResponse
        do {
            let session = try CurlSession(configuration: CurlConfiguration(userAgent: "lava-docker-worker status"))
            response = try await session.perform(CurlRequest(.get, url, timeout: .seconds(10)))
        } catch {
            printError("nothing answers at \(url) (\(error)): start lava-docker-worker with --metrics-address \(metricsAddress), or give status the address it was started with")
            throw ExitCode(69)
        }
        let samples = PrometheusSample.parse(response.text)
        guard response.status == 200, samples.contains(where: { $0.name == SupervisorMetrics.phase }) else {
            printError("\(url) answers \(response.status), without lava-docker-worker's metrics: is --metrics-address the address lava-docker-worker was started with?")
            throw ExitCode(76)
        }
        print(SupervisorReportText.format(samples))
    }

    private func printError(_ message: String) {
        FileHandle.standardError.write(Data("lava-docker-worker status: \(message)\n".utf8))
    }
}
