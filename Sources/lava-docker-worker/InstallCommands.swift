import ArgumentParser
import Foundation
import Systemd

/// `lava-docker-worker install`: the one command for admins. Writes LAVA's environment file
/// and the token file (0600), installs the systemd unit, enables and starts it; says how to
/// start by hand where systemd is not running. Running it again changes nothing.
struct Install: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Install lava-docker-worker as a systemd service and start it.",
        discussion: """
            Writes /etc/lava-dispatcher-host/lava-docker-worker (the environment file), <worker-dir>/token (mode 0600) \
            and /etc/systemd/system/lava-docker-worker.service, then enables and starts the service. Harmless to run \
            again; with another URL, token or --image it rewrites what changed and restarts the service. \
            --image goes into the environment file as IMAGE; without it, the service uses LAVA's images. \
            --docker-socket and --metrics-address go in as DOCKER_SOCKET and METRICS_ADDRESS.

            With --instance NAME, one of several workers on this host: /etc/lava-dispatcher-host/NAME.conf, \
            worker directory /var/lib/lava/dispatcher/docker-worker/NAME and the template unit \
            lava-docker-worker@.service, for the service lava-docker-worker@NAME.
            """
    )

    @Option(help: "The server's URL, e.g. https://lava.example.org/.")
    var url: String

    @Option(help: "The worker's name on the server.")
    var name: String

    @Option(help: "The worker's token (from `lava-server workers add`).")
    var token: String

    @OptionGroup var workerImage: ImageOption

    @Option(name: .customLong("docker-socket"), help: "The Docker engine's socket, if not /var/run/docker.sock (DOCKER_SOCKET).")
    var dockerSocket: String?

    @Option(name: .customLong("metrics-address"), help: "HOST:PORT to serve Prometheus metrics at (METRICS_ADDRESS; off by default).")
    var metricsAddress: MetricsAddress?

    @Option(help: "Install lava-docker-worker@NAME, one of several workers on this host.")
    var instance: String?

    @Option(name: .customLong("worker-dir"), help: "The worker's directory (default: \(InstallPaths().workerDirectory), or …/NAME for an instance).")
    var workerDir: String?

    @Option(help: "Where lava-docker-worker is installed (the unit's ExecStart).")
    var binary: String = InstallPaths().binary

    @Option(help: "Install under this directory instead of / (an image being prepared, a test).")
    var root: String = "/"

    func run() throws {
        let paths = InstallPaths(instance: instance, workerDirectory: workerDir, binary: binary)
        do {
            let report = try WorkerInstallation(root: URL(fileURLWithPath: root)).apply(
                try InstallPlan(url: url, name: name, token: token, image: workerImage.image, dockerSocket: dockerSocket,
                                metricsAddress: metricsAddress?.description, paths: paths))
            report.messages.forEach { print($0) }
        } catch {
            printError(error)
            throw ExitCode(78)
        }
    }
}

/// `lava-docker-worker uninstall`: stops and disables the service and removes what `install`
/// wrote; the worker directory's other files stay, and so does the template unit of instances.
struct Uninstall: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop the service and remove what install wrote.")

    @Option(help: "Uninstall lava-docker-worker@NAME; the template unit stays for the other instances.")
    var instance: String?

    @Option(name: .customLong("worker-dir"), help: "The worker's directory (default: \(InstallPaths().workerDirectory), or …/NAME for an instance).")
    var workerDir: String?

    @Option(help: "Uninstall from under this directory instead of /.")
    var root: String = "/"

    func run() throws {
        do {
            let report = try WorkerInstallation(root: URL(fileURLWithPath: root)).undo(paths: InstallPaths(instance: instance, workerDirectory: workerDir))
            report.messages.forEach { print($0) }
        } catch {
            printError(error)
            throw ExitCode(78)
        }
    }
}

private func printError(_ error: InstallError) {
    FileHandle.standardError.write(Data("lava-docker-worker: \(error)\n".utf8))
}
