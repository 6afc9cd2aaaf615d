import Foundation
import Logging
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// Logs each call `filter` denies, as the kernel reports it in /dev/kmsg (the filter is loaded
/// with logging on). The log is the host's: a denial of one of these calls by another filtered
/// process (another worker, the supervisor) is logged too, its host pid telling them apart. Best effort: the kernel log is readable only with CAP_SYSLOG (root in the
/// worker container has it), goes to auditd instead where one runs, and is rate-limited.
public struct DenialWatch: Service {
    let denied: Set<String>
    let logger: Logger
    let path: String

    public init(filter: SyscallFilter, logger: Logger, path: String = "/dev/kmsg") {
        denied = Set(filter.rules.filter { $0.action != .allow }.map(\.syscall))
        self.logger = logger
        self.path = path
    }

    public func run() async {
        let log = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard log >= 0 else {
            return logger.info("denied system calls are not reported: \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(log) }
        // Only what happens from now on: the log holds the host's history.
        lseek(log, 0, SEEK_END)
        var pipe: [Int32] = [-1, -1]
        guard Glibc.pipe(&pipe) == 0 else {
            return logger.info("denied system calls are not reported: pipe: \(String(cString: strerror(errno)))")
        }
        let wake = (read: pipe[0], write: pipe[1])
        defer { close(wake.read); close(wake.write) }
        // Close-on-exec, as the log is: nothing a program of the worker starts needs them.
        _ = fcntl(wake.read, F_SETFD, FD_CLOEXEC)
        _ = fcntl(wake.write, F_SETFD, FD_CLOEXEC)
        let reader = Reader(log: log, wake: wake.read, denied: denied, logger: logger, path: path)
        // A thread of its own blocks in poll(2) until the log has records or the pipe says stop.
        await cancelWhenGracefulShutdown {
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    Thread.detachNewThread {
                        reader.run()
                        continuation.resume()
                    }
                }
            } onCancel: {
                var stop: UInt8 = 1
                _ = write(wake.write, &stop, 1)
            }
        }
    }

    private struct Reader: Sendable {
        let log: Int32
        let wake: Int32
        let denied: Set<String>
        let logger: Logger
        let path: String

        func run() {
            var record = [UInt8](repeating: 0, count: 8192)
            while true {
                var descriptors = [pollfd(fd: log, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
                guard poll(&descriptors, 2, -1) >= 0 || errno == EINTR else { return }
                if descriptors[1].revents != 0 { return }
                while true {
                    let count = read(log, &record, record.count)
                    if count > 0 {
                        report(String(decoding: record[..<count], as: UTF8.self))
                    } else if count < 0, errno == EPIPE || errno == EINTR {
                        continue  // EPIPE: records were overwritten before this read; go on with the next
                    } else if count < 0, errno == EAGAIN {
                        break
                    } else if count == 0 {
                        return logger.info("denied system calls are no longer reported: \(path) ended")
                    } else {
                        return logger.info("denied system calls are no longer reported: \(String(cString: strerror(errno)))")
                    }
                }
            }
        }

        private func report(_ record: String) {
            guard let denial = SeccompDenial(record: record, name: SeccompContext.name), denied.contains(denial.syscall) else { return }
            logger.warning("seccomp denied \(denial.syscall) to \(denial.command) (\(denial.executable ?? "?"), host pid \(denial.hostPID)): if a device type needs it, allow it with --seccomp FILE (docs/security.md)")
        }
    }
}
