import ArgumentParser
import Curl
import DockerEngine
import DockerWorker
import Foundation
import LavaClient
import LavaCore
import LavaWorker
import Logging
import Seccomp
import ServiceLifecycle
import Systemd

@main
struct LavaDockerWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lava-docker-worker",
        abstract: "Run a LAVA worker in a container of the server's version, and upgrade it with the server.",
        subcommands: [Run.self, Status.self, Install.self, Uninstall.self],
        defaultSubcommand: Run.self
    )
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the worker container (the default).",
        discussion: """
            Asks the server its version, gets the worker image of that version (used if present, pulled otherwise; \
            customised from --build-dir/Dockerfile when there is one), and runs lava-worker in a privileged, \
            host-networked container started through the Docker engine's socket. When the server is upgraded the \
            worker finishes its jobs and exits, and the image of the new version is started: the upgrade needs no \
            one on the host. A running worker container of a version the server accepts is adopted after a restart of \
            this program; one of a version it refuses finishes its jobs first, and so do all when more than one runs. The image of the version the server \
            announces as its next (lava-server version-policy --next) is pulled ahead while the worker runs. When \
            the server names the digest an image must have (version-policy --digest/--next-digest), an image whose \
            registry digest differs, or a local build that has none, is refused and not started. A server that \
            does not answer, an image not published yet or refused, and a worker that crashes are retried with a \
            growing pause (the log and systemd's status say why), not exits.

            With --metrics-address HOST:PORT (off by default) it serves Prometheus text at http://HOST:PORT/metrics, \
            bound to that address only: lava_docker_worker_phase{phase}, lava_docker_worker_info{version} (this \
            program), lava_docker_worker_worker_version_info{version} (the worker container running), \
            lava_docker_worker_server_version_info{version}, lava_docker_worker_container_starts_total, \
            lava_docker_worker_crashes_in_a_row, lava_docker_worker_image_pulls_total{result}, \
            lava_docker_worker_image_pull_duration_seconds (a histogram), \
            lava_docker_worker_next_version_info{version,pulled}, lava_docker_worker_image_refusals_total, \
            lava_docker_worker_image_refused_info{version,expected,found}, \
            lava_docker_worker_last_server_contact_timestamp_seconds and lava_docker_worker_jobs_running (from \
            <worker-dir>/db.sqlite3). `lava-docker-worker status` prints the same for a person.

            Exit status:
              0   stopped by SIGTERM or SIGINT, after the worker finished its jobs (or killed it on a
                  second signal or after --stop-timeout)
              64  bad command line or URL, a server that is not LAVA, an unknown machine
              65  the customised image from --build-dir does not build
              69  no Docker engine at --docker-socket
              70  the Docker engine refused a request
              77  permission denied on --docker-socket
              78  the worker directory or token file cannot be written, or the
                  host's FQDN is not a valid worker name (give --name)
            """
    )

    @Option(help: "The server's URL, e.g. https://lava.example.org/ (required unless --devel).")
    var url: String?

    @Flag(name: [.customShort("d"), .long], help: "A developer's setup: --url http://localhost:8000/, --worker-dir ./tmp/worker-docker, --level DEBUG, --log-file -.")
    var devel = false

    @OptionGroup var identity: IdentityOptions

    @Option(name: .customLong("worker-dir"), help: "The worker's directory, mounted at the same path in the container.")
    var workerDir: String = "/var/lib/lava/dispatcher/docker-worker"

    @Option(name: .customLong("build-dir"), help: "A Dockerfile here customises the worker image (its FROM lines are replaced).")
    var buildDir: String = "/etc/lava-dispatcher-host/build"

    @Flag(name: .customLong("use-cache"), help: "Let the build of the customised image use the engine's cache (default: build afresh).")
    var useCache = false

    @Option(name: [.customShort("m"), .long], parsing: .upToNextOption,
            help: "SOURCE[:DESTINATION[:ro]]: mount a host path in the worker container (repeatable).")
    var mount: [String] = []

    @Option(name: .customLong("ws-url"), help: "The server's event stream (default: <url>/ws/): a restarted server or an announced next version is known at once. Passed to the worker too when its image accepts it.")
    var wsURL: String?

    @Option(name: .customLong("http-timeout"), help: "Passed to the worker.")
    var httpTimeout: Int = 600

    @Option(name: .customLong("ping-interval"), help: "Passed to the worker.")
    var pingInterval: Int = 20

    @Option(name: .customLong("job-log-interval"), help: "Passed to the worker.")
    var jobLogInterval: Int = 5

    @Option(name: .customLong("log-file"), help: "This program's log; - for standard output.")
    var logFile: String = "/var/log/lava-dispatcher-host/lava-docker-worker.log"

    @Option(name: [.customShort("l"), .long], help: "DEBUG, INFO, WARN or ERROR.")
    var level: String = "INFO"

    @Option(name: .customLong("sentry-dsn"), help: "Accepted for compatibility; not used.")
    var sentryDSN: String?

    @OptionGroup var workerImage: ImageOption

    @Option(name: .customLong("docker-socket"), help: "The Docker engine's socket.")
    var dockerSocket: String = "/var/run/docker.sock"

    @Option(name: .customLong("version-check-interval"), help: "Seconds between asking the server's version: a new version's image, or the one the server announces as its next (version-policy --next), is pulled ahead, and a worker the server no longer accepts finishes its jobs and makes way without waiting for its next ping; shorter under a systemd watchdog.")
    var versionCheckInterval: Int = 60

    @Option(name: .customLong("metrics-address"),
            help: "HOST:PORT (e.g. \(MetricsAddress.standard)) to serve Prometheus metrics at /metrics; off by default.")
    var metricsAddress: MetricsAddress?

    @Option(name: .customLong("stop-timeout"), help: "Seconds the worker may take to finish its jobs after SIGTERM before it is killed (default: wait; a second SIGTERM kills at once).")
    var stopTimeout: Int?

    @Option(help: ArgumentHelp(
        "The worker's seccomp filter: default, off, or a JSON file of system calls to allow or deny on top of the default (see lava-worker --help); passed to the worker, the file mounted read-only.",
        discussion: "This program loads its own, tighter filter at start; off turns both off, with a warning.",
        valueName: "default|off|FILE"))
    var seccomp: String = "default"

    func validate() throws {
        guard url != nil || devel else { throw ValidationError("--url option not provided") }
        for entry in mount where WorkerMount(entry) == nil {
            throw ValidationError("--mount '\(entry)' is not SOURCE[:DESTINATION[:ro|rw]] with absolute paths")
        }
        // A bad file stops here, not in the worker container.
        do {
            try SeccompSetting(seccomp).check(over: HostProtection.worker)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        var run = self
        if devel {
            run.url = run.url ?? "http://localhost:8000/"
            run.workerDir = "./tmp/worker-docker"
            run.level = "DEBUG"
            run.logFile = "-"
        }
        try await run.start()
    }

    private func start() async throws {
        let logLevel = WorkerLogHandler.level(named: level) ?? .info
        let logger: Logger
        if logFile == "-", JournalLogHandler.isConnected {
            // Under systemd: journald gets the worker container's lines with their own fields.
            logger = Logger(label: "lava-docker-worker") { _ in
                var handler = JournalLogHandler(identifier: "lava-docker-worker")
                handler.logLevel = logLevel
                return handler
            }
        } else {
            let sink = try LogSink.open(logFile)
            logger = Logger(label: "lava-docker-worker") { _ in WorkerLogHandler(level: logLevel, sink: sink) }
        }
        let failure: SupervisorError?
        do throws(SupervisorError) {
            try await supervise(logger: logger)
            failure = nil
        } catch {
            failure = error
        }
        if let failure {
            logger.critical("\(failure)")
            throw ExitCode(failure.exitStatus)
        }
    }

    private func supervise(logger: Logger) async throws(SupervisorError) {
        do {
            // Its own filter, before it talks to anyone; the file is the worker's business.
            try (SeccompSetting(seccomp) == .off ? SeccompSetting.off : .standard).load(over: HostProtection.supervisor, logger: logger)
        } catch {
            throw .setup(error.description)
        }
        let url = url ?? "http://localhost:8000/"
        let directory = URL(fileURLWithPath: workerDir).standardizedFileURL.path
        let name: String
        do {
            name = try identity.workerName()
        } catch {
            throw .setup(error.description)
        }
        // The container's hostname is LAVA's docker-<FQDN> when the FQDN is the name (looked up
        // once, above); with --name it is docker-<the kernel's host name>, so that a start does
        // not wait for a name server (seconds, or minutes when none answers).
        let hostName = identity.name == nil ? name : HostName.local()
        var settings = SupervisorSettings(url: url, name: name, hostName: hostName, workerDirectory: directory,
                                          tokenFile: identity.tokenFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
                                          buildDirectory: buildDir)
        settings.useCache = useCache
        settings.mounts = mount.compactMap(WorkerMount.init)
        settings.pingInterval = pingInterval
        settings.jobLogInterval = jobLogInterval
        settings.httpTimeout = httpTimeout
        settings.level = level
        settings.wsURL = wsURL
        if case .file(let path) = SeccompSetting(seccomp) {
            settings.seccomp = URL(fileURLWithPath: path).standardizedFileURL.path
        } else {
            settings.seccomp = seccomp
        }
        settings.image = ImageName(template: workerImage.image)
        settings.dockerSocket = dockerSocket
        settings.versionCheckInterval = .seconds(versionCheckInterval)
        settings.stopTimeout = stopTimeout.map { .seconds($0) }

        let client: LavaServerClient
        do {
            client = try LavaServerClient(url: url, agent: "lava-docker-worker") { $0.timeout = .seconds(10) }
        } catch {
            throw .invalidURL(url)
        }
        let docker: DockerClient
        do {
            docker = try DockerClient(socketPath: dockerSocket)
        } catch {
            throw .docker(error)
        }
        try await resolveToken(settings: settings, client: client, logger: logger)
        let status = SystemdStatus()
        // systemd's watchdog hears of each answer of the server: ask at least that often.
        let checkInterval = min(settings.versionCheckInterval, status.watchdogInterval ?? settings.versionCheckInterval)
        let monitor = ServerVersionMonitor(client: client, interval: checkInterval, retryPause: settings.retryPause,
                                           maximumRetryPause: settings.maximumRetryPause, logger: logger)
        let metrics = SupervisorMetrics { jobsRunning(workerDirectory: directory) }
        let supervisor = Supervisor(settings: settings, engine: docker, monitor: monitor, logger: logger, status: status,
                                    metrics: metrics)
        // The listener comes before the supervisor, so it is shut down after it: the last phases are seen.
        let listener: [ServiceGroupConfiguration.ServiceConfiguration] = metricsAddress.map {
            [.init(service: MetricsListener(address: $0, metrics: metrics, logger: logger), successTerminationBehavior: .ignore)]
        } ?? []
        let announcements = ServerEventListener(url: wsURL ?? client.baseURL + "/ws/", configuration: CurlConfiguration(userAgent: "lava-docker-worker \(client.version)"),
                                                monitor: monitor, logger: logger)
        let signals = await StopSignals(respond: StopSignals.secondStopsNow)
        var configuration = ServiceGroupConfiguration(
            services: [
                .init(service: signals),
                .init(service: monitor),
                .init(service: announcements, successTerminationBehavior: .ignore),
            ] + listener + [
                .init(service: supervisor, successTerminationBehavior: .gracefullyShutdownGroup,
                      failureTerminationBehavior: .gracefullyShutdownGroup),
            ],
            logger: logger
        )
        // --stop-timeout: graceful shutdown (the worker finishes its jobs) escalates to
        // cancellation (the worker is killed).
        configuration.maximumGracefulShutdownDuration = settings.stopTimeout
        do {
            let group = ServiceGroup(configuration: configuration)
            signals.stops(group)
            try await group.run()
        } catch let error as SupervisorError {
            throw error
        } catch is StopSignals.Escalated {
            logger.info("stopped: the worker container was killed on a second signal")
        } catch {
            throw .setup("\(error)")
        }
    }

    /// The token the worker in the container reads from its token file (never its command line).
    private func resolveToken(settings: SupervisorSettings, client: LavaServerClient, logger: Logger) async throws(SupervisorError) {
        do {
            let source = try identity.tokenSource()
            _ = try await WorkerToken(file: URL(fileURLWithPath: settings.tokenFile), source: source).resolve(name: settings.name, client: client) { error in
                logger.warning("registration failed, trying again in 5 s: \(error)")
            }
        } catch let error as WorkerAPIError {
            throw .setup("the server refused to register '\(settings.name)': \(error)")
        } catch {
            throw .setup("\(error)")
        }
    }
}
