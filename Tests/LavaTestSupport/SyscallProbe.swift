import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small C program, built by the toolchain's clang, that makes harmless calls of system calls a
/// seccomp filter denies and prints each one's errno (0 for success), and its own `Seccomp:`
/// status: a process a filter may or may not have reached. Each call does nothing even when it
/// runs as root: bad pointers, missing paths, invalid flags, or a persona taken back at once.
public struct SyscallProbe: Sendable {
    public let executable: URL

    static let source = #"""
        #define _GNU_SOURCE
        #include <errno.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <unistd.h>
        #include <sys/mount.h>
        #include <sys/personality.h>
        #include <sys/swap.h>
        #include <sys/syscall.h>
        #include <sys/timex.h>

        static void report(const char *name, long rc) { printf("%s %d\n", name, rc < 0 ? errno : 0); }

        int main(void) {
            char line[256];
            printf("pid %d\n", getpid());
            FILE *status = fopen("/proc/self/status", "r");
            while (status && fgets(line, sizeof line, status)) {
                if (strncmp(line, "Seccomp:", 8) == 0) printf("seccomp %d\n", atoi(line + 8));
            }
            struct timex time = {0};
            report("adjtimex", syscall(SYS_adjtimex, &time)); /* glibc's adjtimex() is clock_adjtime */
            report("kcmp", syscall(SYS_kcmp, getpid(), getpid(), 1 /* KCMP_VM */, 0, 0));
            report("personality-query", personality(0xffffffff));
            report("personality-no-aslr", personality(ADDR_NO_RANDOMIZE));
            personality(PER_LINUX);
            report("init_module", syscall(SYS_init_module, NULL, 0, ""));
            report("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0xffff0000UL));
            report("swapoff", swapoff("/nonexistent/lava-probe"));
            report("mount", mount("none", "/nonexistent/lava-probe", "tmpfs", 0, NULL));
            report("open_by_handle_at", syscall(SYS_open_by_handle_at, -1, NULL, 0));
            return 0;
        }
        """#

    /// Builds it into `directory` with clang from PATH (Swift's toolchain has one); `static`
    /// links glibc in, for a container without the host's libraries.
    public static func build(in directory: URL, static linked: Bool = false) async throws -> SyscallProbe {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = directory.appendingPathComponent("syscall-probe.c")
        let executable = directory.appendingPathComponent("syscall-probe")
        try Self.source.write(to: source, atomically: true, encoding: .utf8)
        let run = try await BuiltProgram.run(URL(fileURLWithPath: "/usr/bin/env"),
                                             ["clang", "-O1", "-o", executable.path, source.path] + (linked ? ["-static"] : []))
        guard run.status == 0 else { throw TestFailure("clang could not build the syscall probe (\(run.status)): \(run.error)") }
        return SyscallProbe(executable: executable)
    }

    /// What a run printed: each call's errno by name, and the `Seccomp:` mode (2: a filter).
    public struct Report: Sendable, Equatable {
        public let seccompMode: Int?
        public let pid: Int?
        public let errnos: [String: Int32]

        public init(_ output: String) {
            var mode: Int?
            var pid: Int?
            var errnos: [String: Int32] = [:]
            for line in output.split(separator: "\n") {
                let words = line.split(separator: " ")
                guard words.count == 2, let value = Int32(words[1]) else { continue }
                switch words[0] {
                case "seccomp": mode = Int(value)
                case "pid": pid = Int(value)
                default: errnos[String(words[0])] = value
                }
            }
            seccompMode = mode
            self.pid = pid
            self.errnos = errnos
        }
    }

    /// The number after `prefix` on the first line of `text` that starts with it: a `Seccomp:`
    /// line of /proc/PID/status, or the stand-ins' `lava-run N` lines.
    public static func number(in text: String, after prefix: String) -> Int? {
        text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Int($0.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)) }
    }

    /// Whether the kernel log (readable by root) holds a seccomp record of process `pid`: the
    /// kernel rate-limits them (10 in 5 s, host-wide), so a denial may go unrecorded.
    public static func kernelLogged(pid: Int) -> Bool {
        let log = open("/dev/kmsg", O_RDONLY | O_NONBLOCK)
        guard log >= 0 else { return false }
        defer { close(log) }
        var record = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = read(log, &record, record.count)
            if count < 0, errno == EPIPE { continue }
            guard count > 0 else { return false }
            let text = String(decoding: record[..<count], as: UTF8.self)
            if text.contains("type=1326 "), text.contains(" pid=\(pid) ") { return true }
        }
    }

    /// The calls a host-protection filter denies, and the control that it must not.
    public static let denied = ["adjtimex", "kcmp", "personality-no-aslr", "init_module", "kexec_load", "swapoff", "mount", "open_by_handle_at"]
    public static let allowed = ["personality-query"]
    /// Those that succeed for anyone without a filter.
    public static let unprivileged = ["adjtimex", "kcmp", "personality-no-aslr", "personality-query"]
    /// The capability (its bit) each other call needs to get past the kernel's EPERM without a
    /// filter: only then does it fail for its arguments instead.
    public static let capability = ["init_module": 16 /* CAP_SYS_MODULE */, "kexec_load": 22 /* CAP_SYS_BOOT */,
                                    "swapoff": 21 /* CAP_SYS_ADMIN */, "mount": 21, "open_by_handle_at": 2 /* CAP_DAC_READ_SEARCH */]

    /// Whether this process has capability `bit` (a privileged container started by the same
    /// engine has the same ones).
    public static func hasCapability(_ bit: Int) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
              let effective = UInt64(line.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        return effective >> bit & 1 == 1
    }

    /// The denied calls that, without a filter, should fail for anything but EPERM here.
    public static var deniedOnlyByFilter: [String] {
        denied.filter { capability[$0].map(hasCapability) ?? true }
    }
}
