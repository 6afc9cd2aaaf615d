import Foundation
import LavaClient
import LavaCore
import Logging
import ServiceLifecycle

/// lava-worker's loop (spec §3.2) as a service: ping, start and cancel what the server says,
/// report what ended, wait until the next ping or until a lava-run ends; `WorkerLoop` decides
/// what comes next. Its jobs live in `LocalJobStore`, so a restarted worker picks up where it
/// was.
///
/// The service group's graceful shutdown (SIGTERM, SIGINT) is a stop: with `--wait-jobs` the
/// worker takes no new job and ends once the running ones are reported; otherwise, and when the
/// group cancels it (a second signal, `--stop-timeout`), it ends now, abandoning any request in
/// flight, and the lava-run processes go on, to be found again by the next worker.
public actor Worker: Service {
    private let settings: WorkerSettings
    private let client: LavaServerClient
    private let token: String
    private let store: LocalJobStore
    private let logger: Logger
    private let alarm = Alarm()
    /// The server's event stream, which nudges the loop to ping at once.
    private let events: EventWatch?
    private var loop: WorkerLoop
    /// How the loop ended, once it has.
    public private(set) var exit: WorkerExit?

    public init(settings: WorkerSettings, client: LavaServerClient, token: String, store: LocalJobStore,
                events: EventWatch? = nil, logger: Logger) {
        self.settings = settings
        self.events = events
        self.client = client
        self.token = token
        self.store = store
        self.logger = logger
        loop = WorkerLoop(pingInterval: settings.pingInterval, waitJobs: settings.waitJobs,
                          exitOnVersionMismatch: settings.exitOnVersionMismatch)
    }

    /// SIGCHLD: a lava-run may have ended; report it without waiting for the next ping.
    public nonisolated func childExited() {
        alarm.ring(.childExited)
    }

    /// Runs the loop until it ends; `exit` then says how. Throws only when the job records
    /// cannot be read or written.
    public func run() async throws {
        logger.info("lava-worker \(client.version) '\(settings.name)' serving \(client.baseURL)")
        // The event stream lasts as long as the loop, a drain included (it nudges cancels too).
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let events {
                group.addTask { [alarm] in await events.run { alarm.ring(.nudged) } }
            }
            defer { group.cancelAll() }
            try await serveUntilStopped()
        }
    }

    private func serveUntilStopped() async throws {
        if settings.waitJobs {
            exit = try await withGracefulShutdownHandler {
                try await serve()
            } onGracefulShutdown: { [alarm, logger] in
                logger.info("stopping once the running jobs are reported")
                alarm.ring(.stop)
            }
        } else {
            exit = try await cancelWhenGracefulShutdown { try await self.serve() }
        }
    }

    private func serve() async throws(LocalJobStoreError) -> WorkerExit {
        var action = loop.next(after: .started, at: .now)
        while true {
            if Task.isCancelled, !loop.isFinished {
                logger.info("stopping now; running lava-run processes go on and the next worker finds them")
                action = loop.next(after: .cancelled, at: .now)
            }
            switch action {
            case .ping(let takeJobs):
                let ping = try await handle(takeJobs: takeJobs)
                action = loop.next(after: .pinged(ping), at: .now)
            case .check:
                LavaRunProcess.reapAll()
                try await check()
                action = loop.next(after: .checked(idle: try store.all().isEmpty), at: .now)
            case .wait(let deadline):
                let rings = await alarm.wait(until: deadline)
                // A nudge's ping is followed by a check, which also finds a lava-run that ended.
                let event: WorkerLoop.Event = rings.contains(.stop) ? .stop : rings.contains(.nudged) ? .nudged
                    : rings.contains(.childExited) ? .childExited : .timeUp
                action = loop.next(after: event, at: .now)
            case .exit(let exit):
                if exit == .versionMismatch {
                    logger.info("the server runs another version and no job is left: exiting for a restart on the server's version")
                }
                return exit
            }
        }
    }

    /// One ping and what follows from it: jobs listed as running here but unknown adopted or
    /// ended, canceled jobs canceled, and new jobs started when `takeJobs`.
    private func handle(takeJobs: Bool) async throws(LocalJobStoreError) -> WorkerLoop.Ping {
        switch await client.ping(name: settings.name, token: token) {
        case .jobs(let jobs):
            if loop.failures > 0 || loop.versionMismatch { logger.info("the server answers again") }
            for ticket in jobs.running where try store.find(id: ticket.id) == nil {
                try adoptOrEnd(ticket)
            }
            for ticket in jobs.cancel {
                try cancel(ticket)
            }
            if takeJobs {
                for ticket in jobs.start where !Task.isCancelled {
                    try await start(ticket)
                }
            }
            return .answered
        case .versionMismatch(let message):
            if !loop.versionMismatch { logger.error("version mismatch: \(message)") }
            return .versionMismatch
        case .failed(let error):
            // A stop that cancels a ping in flight is no failure of the server.
            if !Task.isCancelled { logger.warning("ping failed (\(loop.failures + 1) in a row): \(error)") }
            return .failed
        }
    }

    /// A job to start, unless it already runs here. RUNNING is posted in both cases, so a lost
    /// answer is repaired by the next ping listing the job again.
    private func start(_ ticket: JobTicket) async throws(LocalJobStoreError) {
        // Killed between spawning lava-run and saving its record, the worker finds it here. A job
        // not fetched stays Scheduled, unrecorded: RUNNING now would make the next ping list it as
        // running here with no record of it, which ends it as failed.
        if try store.find(id: ticket.id) == nil, try !adopt(ticket), try await !launch(ticket) {
            return
        }
        do {
            try await client.reportRunning(id: ticket.id, token: ticket.token)
        } catch {
            logger.warning("job \(ticket.id): RUNNING not recorded, the next ping repeats it: \(error)")
        }
    }

    /// Fetches the job, writes its files and spawns lava-run; a job that cannot start is recorded
    /// finished (with why in its stderr), so the server hears of it. False when the job could not
    /// be fetched: nothing is recorded, and the next ping offers it again.
    private func launch(_ ticket: JobTicket) async throws(LocalJobStoreError) -> Bool {
        let job: JobFetchResponse
        do {
            job = try await client.fetchJob(id: ticket.id, token: ticket.token)
        } catch {
            logger.error("job \(ticket.id): cannot fetch it, trying again at the next ping: \(error)")
            return false
        }
        let prefix = DispatcherConfiguration.prefix(job.dispatcher)
        let directory = JobDirectory(workerDirectory: settings.workerDirectory, prefix: prefix, id: ticket.id)
        var record = LocalJob(id: ticket.id, token: ticket.token, pid: 0, status: .finished, lastUpdate: Self.now(), prefix: prefix)
        do {
            try directory.write(job)
            let environment = try JobEnvironment.make(from: job.env, inheriting: ProcessInfo.processInfo.environment)
            let arguments = directory.lavaRunArguments(lavaRun: settings.lavaRun, url: client.baseURL, token: ticket.token,
                                                       jobLogInterval: settings.jobLogInterval, debug: settings.debug,
                                                       caFile: settings.caFile, seccomp: settings.seccomp)
            record.pid = try LavaRunProcess.spawn(arguments, environment: environment,
                                                  stdout: settings.debug ? nil : directory.file("stdout"),
                                                  stderr: settings.debug ? nil : directory.file("stderr"))
            record.status = .running
            logger.info("job \(ticket.id): lava-run started (pid \(record.pid))")
        } catch {
            logger.error("job \(ticket.id): \(error)")
            Self.note(error.description, in: directory)
        }
        try store.save(record)
        return true
    }

    /// The server says a job runs here but this worker has no record of it (its worker
    /// directory was lost). LAVA starts it again from scratch; a lava-run that still runs it
    /// is adopted instead, and otherwise the job is ended as failed: a second run would send
    /// its log lines under the first run's line numbers.
    private func adoptOrEnd(_ ticket: JobTicket) throws(LocalJobStoreError) {
        if try adopt(ticket) { return }
        logger.error("job \(ticket.id): listed as running here, but no record and no lava-run of it: ending it as failed")
        let directory = JobDirectory(workerDirectory: settings.workerDirectory, prefix: "", id: ticket.id)
        Self.note("lava-worker has no record of job \(ticket.id) (was its worker directory lost?) and no lava-run runs it; "
            + "it was ended rather than run a second time", in: directory, errorType: "Infrastructure")
        try store.save(LocalJob(id: ticket.id, token: ticket.token, pid: 0, status: .finished, lastUpdate: Self.now()))
    }

    /// Records a running lava-run of the job, if there is one, as this worker's own.
    private func adopt(_ ticket: JobTicket) throws(LocalJobStoreError) -> Bool {
        guard let running = LavaRunProcess.find(jobID: ticket.id, workerDirectory: settings.workerDirectory) else { return false }
        logger.info("job \(ticket.id): adopting its running lava-run (pid \(running.pid))")
        try store.save(LocalJob(id: ticket.id, token: ticket.token, pid: running.pid, status: .running, lastUpdate: Self.now(),
                                prefix: running.prefix))
        return true
    }

    /// Spec §4.3: an unknown job is reported FINISHED (failed); a running one gets SIGTERM.
    private func cancel(_ ticket: JobTicket) throws(LocalJobStoreError) {
        guard var job = try store.find(id: ticket.id) else {
            logger.info("job \(ticket.id): canceled before it started here")
            try store.save(LocalJob(id: ticket.id, token: ticket.token, pid: 0, status: .finished, lastUpdate: Self.now()))
            return
        }
        guard job.status == .running, LavaRunProcess.isRunning(job.pid, jobID: job.id) else { return }
        logger.info("job \(ticket.id): canceling (SIGTERM to lava-run \(job.pid))")
        LavaRunProcess.terminate(job.pid)
        job.status = .canceling
        job.lastUpdate = Self.now()
        try store.save(job)
    }

    /// Reconciles the records with the processes and reports every finished job (spec §4.3).
    private func check() async throws(LocalJobStoreError) {
        for var job in try store.all() {
            let running = LavaRunProcess.isRunning(job.pid, jobID: job.id)
            switch job.status {
            case .running where !running, .canceling where !running:
                LavaRunProcess.reap(job.pid)
                job.status = .finished
                job.lastUpdate = Self.now()
                try store.save(job)
            case .canceling:
                let waited = Self.now() - job.lastUpdate
                if waited > settings.cancelKillAfter {
                    logger.warning("job \(job.id): lava-run ignores the cancel, killing its process group")
                    LavaRunProcess.killGroup(job.pid)
                } else if waited > settings.cancelRepeatAfter {
                    LavaRunProcess.terminate(job.pid)
                }
            default:
                break
            }
            if job.status == .finished { try await reportFinished(job) }
        }
    }

    private func reportFinished(_ job: LocalJob) async throws(LocalJobStoreError) {
        let directory = JobDirectory(workerDirectory: settings.workerDirectory, prefix: job.prefix, id: job.id)
        let report = directory.finishedReport()
        do {
            let known = try await client.reportFinished(id: job.id, token: job.token, report)
            logger.info("job \(job.id): finished (\(report.passed ? "pass" : "fail"))\(known ? "" : ", the server no longer knows it")")
        } catch {
            logger.warning("job \(job.id): FINISHED not recorded, trying again: \(error)")
            return
        }
        directory.remove()
        try store.remove(id: job.id)
    }

    /// Writes why a job could not run where the FINISHED report reads it.
    private static func note(_ message: String, in directory: JobDirectory, errorType: String = "Bug") {
        try? FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        try? (message + "\n").write(to: directory.file("stderr"), atomically: true, encoding: .utf8)
        let result = JobResultFile(passed: false, errorMessage: message, errorType: errorType)
        try? result.yaml.write(to: directory.file(JobResultFile.name), atomically: true, encoding: .utf8)
    }

    private static func now() -> Int { Int(Date().timeIntervalSince1970) }
}

/// What wakes the loop before its next ping.
extension Alarm.Rings {
    static let childExited = Self(rawValue: 1)
    static let stop = Self(rawValue: 2)
    static let nudged = Self(rawValue: 4)
}
