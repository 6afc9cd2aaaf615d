#if canImport(Glibc)
import Glibc
#endif

/// The filters that keep processes of a privileged, host-networked worker from taking the lab
/// host down or leaving their container: allow everything, fail with EPERM what no docker-device
/// job needs and what acts on the host itself. docs/security.md compares each entry with Docker's
/// default profile (moby profiles/seccomp/default.json), which a privileged container never gets.
public enum HostProtection {
    /// lava-worker's, inherited by lava-run and everything it starts (git, tar, downloads).
    public static let worker = SyscallFilter(rules: deniedEverywhere.map(deny) + personalityWithoutASLR)

    /// lava-docker-worker's on the host: the worker's, and what only debuggers and container
    /// runtimes use. It talks to the Docker engine and the server through sockets and files; the
    /// containers it starts are dockerd's children, not its own, and get the worker's filter.
    public static let supervisor = SyscallFilter(
        rules: (deniedEverywhere + deniedToSupervisor).map(deny) + personalityWithoutASLR
    )

    private static let deniedEverywhere = [
        // Load or unload code in the host's kernel. Docker: allowed with CAP_SYS_MODULE, which a
        // privileged container has.
        "init_module", "finit_module", "delete_module",
        // Boot another kernel on the host. Docker: denied.
        "kexec_load", "kexec_file_load",
        // Restart or halt the host. Docker: allowed with CAP_SYS_BOOT.
        "reboot",
        // The host's swap. Docker: denied.
        "swapon", "swapoff",
        // Mount or unmount anything, old API and new. Seccomp sees a path or a filesystem type
        // only as a pointer, so "host filesystems only" cannot be said; a board job that needs to
        // mount (an image on a loop device) gets it from --seccomp FILE. Docker: allowed with
        // CAP_SYS_ADMIN (pivot_root denied).
        "mount", "umount", "umount2", "pivot_root",
        "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
        // Open any host file by handle, past the container's mounts (the 2014 "shocker" escape),
        // and make such handles. Docker: with CAP_DAC_READ_SEARCH / CAP_SYS_ADMIN.
        "open_by_handle_at", "name_to_handle_at",
        // Set the host's clock. Docker: with CAP_SYS_TIME, but adjtimex and clock_adjtime always,
        // as reading them is harmless; whether a call only reads is behind a pointer, so reading
        // goes too (chrony and ntpd belong on the host, not in a job).
        "settimeofday", "stime", "clock_settime", "clock_settime64", "adjtimex", "clock_adjtime", "clock_adjtime64",
        // Switch the host's process accounting. Docker: with CAP_SYS_PACCT.
        "acct",
        // Raw x86 I/O ports: the host's hardware directly. Docker: with CAP_SYS_RAWIO.
        "iopl", "ioperm",
        // Programs in the host's kernel, and host-wide tracing. Docker: with CAP_SYS_ADMIN.
        "bpf", "perf_event_open",
        // A building block of kernel exploits that nothing here needs. Docker: denied (allowed
        // from moby 25 for unprivileged use, which the kernel's vm.unprivileged_userfaultfd gates).
        "userfaultfd",
        // Compare or write other processes' kernel objects and memory, the container's
        // unfiltered init among them. Docker: with CAP_SYS_PTRACE (moby 25: process_vm_* allowed).
        "kcmp", "process_vm_writev", "pidfd_getfd",
        // Kernel keyrings are not namespaced: they are the host's. Docker: denied.
        "keyctl", "add_key", "request_key",
        // Clear the host's kernel log or change its console level (reading /dev/kmsg, as the
        // worker's DenialWatch does, is a file, not this call). Docker: with CAP_SYSLOG/CAP_SYS_ADMIN.
        "syslog",
        // Quotas of host filesystems. Docker: with CAP_SYS_ADMIN.
        "quotactl", "quotactl_fd",
        // The old in-kernel NFS server's control (gone since Linux 3.1). Docker: denied.
        "nfsservctl",
    ]

    private static let deniedToSupervisor = [
        // Debug or drive other processes; enter, make or change namespaces and roots. The
        // supervisor does none of it, and with it a compromised supervisor could reach past its
        // own filter through an unfiltered process.
        "ptrace", "process_vm_readv", "unshare", "setns", "chroot",
    ]

    private static func deny(_ name: String) -> SyscallFilter.Rule {
        SyscallFilter.Rule(syscall: name, action: .fail(errno: EPERM))
    }

    /// personality(2) with ADDR_NO_RANDOMIZE turns address-space randomisation off for the next
    /// program, which makes exploits easy; querying (0xffffffff) and every other persona
    /// (linux32's PER_LINUX32 among them) stay allowed. One rule tests an argument once, so: that
    /// bit set and any one other bit clear, for each of the 31 others (0xffffffff has none clear).
    /// Docker allows only 0, 8, 0x20000, 0x20008 and the query.
    static let personalityWithoutASLR: [SyscallFilter.Rule] = {
        let noRandomize: UInt64 = 0x0040000
        return (0..<32).map { UInt64(1) << $0 }.filter { $0 != noRandomize }.map { other in
            SyscallFilter.Rule(syscall: "personality", action: .fail(errno: EPERM),
                               conditions: [.init(index: 0, mask: noRandomize | other, value: noRandomize)])
        }
    }()
}
