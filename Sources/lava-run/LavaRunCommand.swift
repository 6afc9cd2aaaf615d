import ArgumentParser
import Foundation
import LavaClient
import LavaCore
import LavaDispatcher
import Seccomp

@main
struct LavaRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lava-run",
        abstract: "Run one LAVA job on a docker device (LAVA \(LavaVersion.current)).",
        discussion: """
            Started by lava-worker with the job's files. Deploys the image (used if present, pulled otherwise), \
            boots the device-under-test container through the Docker engine's API, runs the test definitions in it \
            and sends the log to the server as it goes. Writes description.yaml and result.yaml in --output-dir.

            SIGTERM or SIGINT cancels the job: it cleans up, removes the container, writes result.yaml and sends \
            the rest of the log. A second signal during that cleanup cuts it short ("The job was canceled again \
            (too long to cancel)"): the container is still removed and result.yaml written. A signal once the job \
            has ended stops the log upload. --stop-timeout bounds all of it.

            The Docker engine is the one at DOCKER_HOST (unix://PATH), else /var/run/docker.sock.

            Exit status: 0 the job passed, 1 it did not (result.yaml says why).
            """
    )

    @Option(help: "The device configuration (device.yaml).")
    var device: String

    @Option(help: "The dispatcher configuration (dispatcher.yaml).")
    var dispatcher: String?

    @Option(name: .customLong("output-dir"), help: "Where the job's files go.")
    var outputDir: String

    @Option(name: .customLong("job-id"), help: "The job's id on the server.")
    var jobID: Int

    @Option(help: "The server to send the log to; without it the log goes to standard output.")
    var url: String?

    @Option(help: "The job's token for the server.")
    var token: String?

    @Option(name: .customLong("job-log-interval"), help: "Seconds between log uploads.")
    var jobLogInterval: Int = 5

    @Option(name: .customLong("ca-file"), help: "Trust this CA bundle instead of the system's for an https:// --url.")
    var caFile: String?

    @Option(name: .customLong("env-dut"), help: "Environment for the device under test (env-dut.yaml).")
    var envDUT: String?

    @Flag(help: "Print the log on standard output too.")
    var debug = false

    @Flag(name: .customLong("skip-sudo-warning"), help: "Accepted for compatibility.")
    var skipSudoWarning = false

    @Option(help: ArgumentHelp(
        "The seccomp profile of device-under-test containers that are not privileged: default (Docker's default without the worker's denied calls), off (the engine's default), or a JSON file of changes (see lava-worker --help). lava-worker passes its own --seccomp.",
        valueName: "default|off|FILE"))
    var seccomp: String = "default"

    @Option(name: .customLong("stop-timeout"), help: "Seconds the job's cancellation and the rest of the log upload may take after SIGTERM or SIGINT before lava-run stops waiting: the cleanup is cut short as at a second signal, and the upload is stopped (default: wait).")
    var stopTimeout: Int?

    @Argument(help: "The job definition (job.yaml).")
    var definition: String

    func validate() throws {
        if let stopTimeout, stopTimeout < 0 { throw ValidationError("--stop-timeout must not be negative") }
    }

    func run() async throws {
        // Before anything runs; a bad file is a command-line error (64), as in validate().
        let securityOption: String?
        do {
            securityOption = try DeviceProfile.securityOption(SeccompSetting(seccomp))
        } catch {
            throw ValidationError(error.description)
        }
        let output = URL(fileURLWithPath: outputDir, isDirectory: true)
        let files = JobOutputFiles(directory: output)
        let text = { (path: String) -> String in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        let uploader: LogUploader?
        if let url {
            let client = try LavaServerClient(url: url, agent: "lava") { $0.caFile = caFile }
            uploader = LogUploader(client: client, jobID: jobID, token: token ?? "", interval: .seconds(jobLogInterval))
        } else {
            uploader = nil
        }
        let job = Result<DockerJob, JobError> { [jobID] () throws(JobError) in try DockerJob(id: jobID, yaml: text(definition)) }
        let secrets = [token ?? ""] + ((try? job.get())?.secrets.map(\.value) ?? [])
        let log = JobLog(uploader.map { .server($0) } ?? .standardOutput, secrets: secrets, echo: debug)
        let session = LavaRunSession(jobID: jobID, outputDirectory: output, files: files, log: log, uploader: uploader,
                                     dockerSocket: Self.dockerSocket(), dispatcher: dispatcher.map(text) ?? "",
                                     securityOptions: securityOption.map { [$0] } ?? [],
                                     stopTimeout: stopTimeout.map { .seconds($0) })
        let passed = await session.run(job: job, deviceYAML: text(device))
        throw ExitCode(passed ? 0 : 1)
    }

    /// DOCKER_HOST as the docker CLI reads it, for a unix socket.
    static func dockerSocket() -> String {
        let host = ProcessInfo.processInfo.environment["DOCKER_HOST"] ?? ""
        return host.hasPrefix("unix://") ? String(host.dropFirst("unix://".count)) : "/var/run/docker.sock"
    }
}
