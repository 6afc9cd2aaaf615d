import ArgumentParser
import Dispatch
import Curl
import Foundation
import LavaClient
import LavaCore
import LavaWorker
import Logging
import Seccomp
import ServiceLifecycle

@main
struct LavaWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lava-worker",
        abstract: "Run the jobs a LAVA server gives this worker (LAVA \(LavaVersion.current)).",
        discussion: """
            Pings the server every --ping-interval seconds, starts a lava-run process for each job it is given, cancels \
            what the server cancels and reports every job's end until the server has recorded it. Jobs are remembered \
            in <worker-dir>/db.sqlite3, so a restarted worker neither loses nor restarts a job.

            It also listens to the server's event stream (--ws-url) and pings at once when a job is scheduled on this \
            worker or canceled, and when the stream comes back after a drop; without the stream (an older server, a \
            proxy that blocks WebSocket) jobs start at the next ping.

            Before anything else it loads a seccomp filter (--seccomp), which lava-run and everything it starts \
            inherit: loading kernel modules, kexec, reboot, swap, mounts, the clock, keyrings, raw I/O ports, bpf and \
            the other calls of docs/security.md fail with EPERM, so that a job in the privileged worker container \
            cannot take the lab host down. --print-seccomp shows the filter.

            SIGTERM or SIGINT stops the worker. Without --wait-jobs it ends at once, abandoning any request in \
            flight; with it, it takes no new job and ends once the running ones are reported, or at once at a \
            second SIGTERM or SIGINT or when --stop-timeout runs out. lava-run processes left running go on \
            (they have their own process groups) and a restarted worker picks them up.

            Exit status:
              0   stopped by SIGTERM or SIGINT
              1   fatal error: bad option, unusable worker directory, token refused
              64  invalid command line
              75  version mismatch and no job left (--exit-on-version-mismatch):
                  start the worker of the server's version
            """
    )

    @OptionGroup var identity: IdentityOptions

    @Option(help: "The server's URL, e.g. https://lava.example.org/ (required).")
    var url: String?

    @Option(name: .customLong("ws-url"), help: "The server's event stream (WebSocket), which makes the worker ping at once when a job is scheduled on it or canceled (default: <url>/ws/).")
    var wsURL: String?

    @Option(name: .customLong("worker-dir"), help: "The worker's directory: token, db.sqlite3, tmp/.")
    var workerDir: String = "/var/lib/lava/dispatcher/worker"

    @Option(name: .customLong("http-timeout"), help: "Seconds an idle connection to the server is kept open.")
    var httpTimeout: Int = 600

    @Option(name: .customLong("ping-interval"), help: "Seconds between pings; also each request's time limit.")
    var pingInterval: Int = 20

    @Option(name: .customLong("job-log-interval"), help: "Seconds between log uploads of lava-run.")
    var jobLogInterval: Int = 5

    @Flag(name: .customLong("exit-on-version-mismatch"), help: "Exit (status 75) once the server says it runs another version and no job is left.")
    var exitOnVersionMismatch = false

    @Flag(name: .customLong("wait-jobs"), help: "On SIGTERM or SIGINT, take no new job and exit once the running ones have ended.")
    var waitJobs = false

    @Option(name: .customLong("stop-timeout"), help: "With --wait-jobs: seconds the running jobs may take after SIGTERM or SIGINT before the worker stops without them (default: wait).")
    var stopTimeout: Int?

    @Option(name: .customLong("log-file"), help: "The worker's log; - for standard output.")
    var logFile: String = "/var/log/lava-dispatcher/lava-worker.log"

    @Option(name: [.customShort("l"), .long], help: "DEBUG, INFO, WARN or ERROR.")
    var level: String = "INFO"

    @Flag(help: "Run lava-run with --debug, its output on this worker's output.")
    var debug = false

    @Option(name: .customLong("sentry-dsn"), help: "Accepted for compatibility; not used.")
    var sentryDSN: String?

    @Option(name: .customLong("ca-file"), help: "Trust this CA bundle instead of the system's for https:// servers.")
    var caFile: String?

    @Option(name: .customLong("lava-run"), help: "The lava-run program (default: the one next to lava-worker, else from PATH).")
    var lavaRun: String?

    @Option(help: ArgumentHelp(
        "default, off, or a JSON file of system calls to allow or deny on top of the default.",
        discussion: #"FILE: {"syscalls": [{"names": ["mount", "umount2"], "action": "SCMP_ACT_ALLOW"}]} (Docker's format; SCMP_ACT_ERRNO with "errnoRet" denies). off is logged as a warning."#,
        valueName: "default|off|FILE"))
    var seccomp: String = "default"

    @Flag(name: .customLong("print-seccomp"), help: "Print the effective seccomp filter (libseccomp's PFC) and exit.")
    var printSeccomp = false

    func validate() throws {
        guard url != nil || printSeccomp else { throw ValidationError("Missing expected argument '--url <url>'") }
        guard pingInterval > 0, jobLogInterval > 0, httpTimeout > 0 else {
            throw ValidationError("--ping-interval, --job-log-interval and --http-timeout must be positive")
        }
        if let stopTimeout, stopTimeout < 0 { throw ValidationError("--stop-timeout must not be negative") }
        guard logLevel != nil else { throw ValidationError("--level must be DEBUG, INFO, WARN or ERROR") }
        // A bad --seccomp FILE stops the worker here, before it starts anything.
        do {
            try SeccompSetting(seccomp).check(over: HostProtection.worker)
        } catch {
            throw ValidationError(error.description)
        }
    }

    private var logLevel: Logger.Level? { WorkerLogHandler.level(named: level) }

    func run() async throws {
        let setting = SeccompSetting(seccomp)
        if printSeccomp { return try printFilter(setting) }
        let sink = try LogSink.open(logFile)
        let level = logLevel ?? .info
        let logger = Logger(label: "lava-worker") { _ in WorkerLogHandler(level: level, sink: sink) }
        let filter: SyscallFilter?
        do {
            filter = try setting.load(over: HostProtection.worker, logger: logger)
        } catch {
            logger.critical("\(error)")
            throw ExitCode(WorkerExit.fatal.rawValue)
        }
        do {
            let exit = try await serve(logger: logger, filter: filter)
            throw ExitCode(exit.rawValue)
        } catch let error as WorkerSetupError {
            logger.critical("\(error)")
            throw ExitCode(WorkerExit.fatal.rawValue)
        } catch let error as LocalJobStoreError {
            logger.critical("\(error)")
            throw ExitCode(WorkerExit.fatal.rawValue)
        } catch let error as WorkerAPIError {
            logger.critical("\(error)")
            throw ExitCode(WorkerExit.fatal.rawValue)
        }
    }

    /// `--print-seccomp`: the filter lava-worker would load, or that none would.
    private func printFilter(_ setting: SeccompSetting) throws {
        guard let filter = try setting.filter(over: HostProtection.worker) else { return print("# seccomp: off") }
        print(try SeccompContext(filter).pfc(), terminator: "")
    }

    private func serve(logger: Logger, filter: SyscallFilter?) async throws -> WorkerExit {
        let name = try identity.workerName()
        guard let url else { throw ValidationError("Missing expected argument '--url <url>'") }
        let workerDirectory = URL(fileURLWithPath: workerDir, isDirectory: true)
        let interval = Duration.seconds(pingInterval)
        let client = try LavaServerClient(url: url, agent: "lava-worker") { configuration in
            configuration.timeout = interval
            configuration.keepAlive = .seconds(httpTimeout)
            configuration.caFile = caFile
        }
        let store = try LocalJobStore(workerDirectory: workerDirectory)
        let token = try await resolveToken(name: name, client: client, workerDirectory: workerDirectory, logger: logger)
        var settings = WorkerSettings(name: name, workerDirectory: workerDirectory, pingInterval: interval,
                                      jobLogInterval: jobLogInterval, exitOnVersionMismatch: exitOnVersionMismatch,
                                      waitJobs: waitJobs, debug: debug, lavaRun: try lavaRunPath(), caFile: caFile)
        // Only when not the default: another lava-run (--lava-run) may not take the option.
        settings.seccomp = seccomp == "default" ? nil : seccomp
        var events = CurlConfiguration(userAgent: "lava-worker \(client.version)")
        events.caFile = caFile
        let watch = EventWatch(url: wsURL ?? client.baseURL + "/ws/", name: name, token: token, configuration: events, logger: logger)
        let worker = Worker(settings: settings, client: client, token: token, store: store, events: watch, logger: logger)
        let children = ChildExitWatch { worker.childExited() }
        defer { children.cancel() }
        let signals = await StopSignals(respond: StopSignals.secondStopsNow)
        var configuration = ServiceGroupConfiguration(
            services: [
                .init(service: signals),
            ] + (filter.map { [.init(service: DenialWatch(filter: $0, logger: logger), successTerminationBehavior: .ignore)] } ?? []) + [
                .init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup),
            ],
            logger: logger)
        configuration.maximumGracefulShutdownDuration = stopTimeout.map { .seconds($0) }
        let group = ServiceGroup(configuration: configuration)
        signals.stops(group)
        do {
            try await group.run()
        } catch is StopSignals.Escalated {
            // The worker was cancelled and has ended; it says how below.
        }
        return await worker.exit ?? .stopped
    }

    private func resolveToken(name: String, client: LavaServerClient, workerDirectory: URL, logger: Logger) async throws -> String {
        let file = identity.tokenFile.map { URL(fileURLWithPath: $0) } ?? workerDirectory.appendingPathComponent("token")
        return try await WorkerToken(file: file, source: try identity.tokenSource()).resolve(name: name, client: client) { error in
            logger.warning("registration failed, trying again in 5 s: \(error)")
        }
    }

    private func lavaRunPath() throws(WorkerSetupError) -> String {
        if let lavaRun { return lavaRun }
        let sibling = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("lava-run").path
        if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/lava-run"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw WorkerSetupError("lava-run was found neither next to lava-worker nor in PATH; give it with --lava-run")
    }
}
