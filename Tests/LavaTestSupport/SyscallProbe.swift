import Foundation

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
        public let errnos: [String: Int32]

        public init(_ output: String) {
            var mode: Int?
            var errnos: [String: Int32] = [:]
            for line in output.split(separator: "\n") {
                let words = line.split(separator: " ")
                guard words.count == 2, let value = Int32(words[1]) else { continue }
                if words[0] == "seccomp" { mode = Int(value) } else { errnos[String(words[0])] = value }
            }
            seccompMode = mode
            self.errnos = errnos
        }
    }

    /// The calls a host-protection filter denies, and the control that it must not.
    public static let denied = ["adjtimex", "kcmp", "personality-no-aslr", "init_module", "kexec_load", "swapoff", "mount", "open_by_handle_at"]
    public static let allowed = ["personality-query"]
    /// Those that succeed for anyone without a filter (the others need capabilities).
    public static let unprivileged = ["adjtimex", "kcmp", "personality-no-aslr", "personality-query"]
}
