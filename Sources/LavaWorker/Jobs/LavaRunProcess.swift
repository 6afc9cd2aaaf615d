import CSpawn
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// lava-run processes: started in a process group of their own, so that they outlive a worker
/// restart and a cancel can reach everything they started (spec §3.5); found again after a
/// restart through /proc.
///
/// Spawned with posix_spawn by hand: Foundation's Process and swift-subprocess tie the child's
/// lifetime to the parent's objects and cannot start a new process group.
public enum LavaRunProcess {
    /// Signals the worker itself handles; ignored or blocked in the worker, they would be inherited
    /// as such, and lava-run could no longer be canceled.
    private static let defaultSignals: [Int32] = [SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGUSR1, SIGPIPE]

    /// Starts `arguments[0]` with `environment`; standard output and error go to the given files
    /// (created or truncated), or stay the worker's when nil. Returns the pid.
    public static func spawn(_ arguments: [String], environment: [String: String], stdout: URL?, stderr: URL?) throws(WorkerSetupError) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let stdout { posix_spawn_file_actions_addopen(&actions, 1, stdout.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        if let stderr { posix_spawn_file_actions_addopen(&actions, 2, stderr.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        // Nothing else of the worker's: its log file, its connection to the server, whatever its
        // own parent left open (a supervisor waiting for the worker's descriptors to close would
        // wait for lava-run too).
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in defaultSignals { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard code == 0 else {
            throw WorkerSetupError("cannot start \(arguments[0]): \(String(cString: strerror(code)))")
        }
        return pid
    }

    /// True while `pid` is the lava-run of job `id`. LAVA only looks for "lava-run" in the command
    /// line; a worker container started afresh hands out the same small pids again, so another
    /// job's lava-run could be taken for this one. A zombie has an empty command line.
    public static func isRunning(_ pid: Int32, jobID id: Int) -> Bool {
        guard pid > 0, let arguments = commandLine("\(pid)") else { return false }
        return isLavaRun(arguments, jobID: id)
    }

    /// The command line of /proc entry `entry`, an argument an element.
    private static func commandLine(_ entry: String) -> [String]? {
        FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")?.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func isLavaRun(_ arguments: [String], jobID id: Int) -> Bool {
        arguments.contains { $0.hasSuffix("lava-run") } && arguments.contains("--job-id=\(id)")
    }

    /// Collects an ended child so it does not stay a zombie; harmless for a pid that is not ours.
    public static func reap(_ pid: Int32) {
        guard pid > 0 else { return }
        var status: Int32 = 0
        _ = waitpid(pid, &status, WNOHANG)
    }

    /// Collects every ended child (after SIGCHLD).
    public static func reapAll() {
        var status: Int32 = 0
        while waitpid(-1, &status, WNOHANG) > 0 {}
    }

    public static func terminate(_ pid: Int32) {
        guard pid > 0 else { return }
        kill(pid, SIGTERM)
    }

    /// SIGKILL to the whole process group lava-run leads.
    public static func killGroup(_ pid: Int32) {
        guard pid > 0 else { return }
        kill(-pid, SIGKILL)
    }

    /// A running lava-run of job `id` of this worker, looked for in /proc, with the prefix of its
    /// job directory (from `--output-dir=<worker-dir>/tmp/<prefix><id>`): a job the worker has no
    /// record of is adopted rather than started twice. Only one in the worker's own pid namespace
    /// (the host's /proc lists containers' processes too) whose job directory is in
    /// `workerDirectory`: another worker on the host, for another server, may run a job of the
    /// same id.
    public static func find(jobID id: Int, workerDirectory: URL) -> (pid: Int32, prefix: String)? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        let jobs = workerDirectory.appendingPathComponent("tmp", isDirectory: true).standardizedFileURL.path
        let namespace = pidNamespace("self")
        for entry in entries {
            guard let pid = Int32(entry), let arguments = commandLine(entry), isLavaRun(arguments, jobID: id),
                  pidNamespace(entry) == namespace, let output = arguments.first(where: { $0.hasPrefix("--output-dir=") })
            else { continue }
            let directory = URL(fileURLWithPath: String(output.dropFirst("--output-dir=".count))).standardizedFileURL
            let name = directory.lastPathComponent
            guard directory.deletingLastPathComponent().path == jobs, name.hasSuffix(String(id)) else { continue }
            return (pid, String(name.dropLast(String(id).count)))
        }
        return nil
    }

    /// The pid namespace of /proc entry `entry` (`self` or a pid); nil when it cannot be read (a
    /// process of another user).
    private static func pidNamespace(_ entry: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/ns/pid")
    }
}
