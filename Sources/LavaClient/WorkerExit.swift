/// Why lava-worker ended, and the exit status that says so to whoever supervises it
/// (lava-docker-worker, systemd). Documented in `lava-worker --help` and the README.
public enum WorkerExit: Int32, Sendable {
    /// Stopped by SIGTERM or SIGINT (after its jobs, with `--wait-jobs`).
    case stopped = 0
    /// A fatal error: bad options, an unusable worker directory, a refused token.
    case fatal = 1
    /// The server runs another version and this worker has no job left: start the worker of the
    /// server's version (`--exit-on-version-mismatch`). 75 is EX_TEMPFAIL: try again, differently.
    case versionMismatch = 75
}
