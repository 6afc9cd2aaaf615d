import Foundation
@testable import Seccomp
import Testing

/// The filters as values and as libseccomp builds them, never loaded into the test process (a
/// filter cannot be taken off again): loading is tested through lava-worker's own processes.
@Suite struct SyscallFilterTests {
    @Test("the worker's profile denies every entry of the issue's list with EPERM, and its PFC shows each architecture")
    func workerProfile() throws {
        let filter = HostProtection.worker
        for name in ["init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot", "swapon", "swapoff",
                     "mount", "umount2", "pivot_root", "move_mount", "fsopen", "fsmount", "open_tree", "open_by_handle_at",
                     "name_to_handle_at", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "acct", "iopl", "ioperm",
                     "bpf", "perf_event_open", "userfaultfd", "kcmp", "process_vm_writev", "keyctl", "add_key", "request_key",
                     "syslog", "quotactl", "nfsservctl", "personality"] {
            #expect(filter.rules.contains { $0.syscall == name && $0.action == .fail(errno: EPERM) }, "\(name)")
        }
        #expect(filter.defaultAction == .allow)
        #expect(!filter.syscalls.contains("ptrace"), "debuggers in jobs stay possible")
        #expect(HostProtection.supervisor.syscalls.contains("ptrace"))
        #expect(Set(HostProtection.worker.syscalls).isSubset(of: HostProtection.supervisor.syscalls))

        let pfc = try SeccompContext(filter).pfc()
        for section in ["# filter for arch x86_64 (3221225534)", "# filter for arch x86 (1073741827)", "# filter for arch x32 ("] {
            #expect(pfc.contains(section), "\(section)")
        }
        #expect(pfc.contains("if ($syscall == 165)"), "mount on x86_64")
        #expect(pfc.contains("action ERRNO(1);"))
        #expect(pfc.contains("action ALLOW;"))
    }

    @Test("personality: ADDR_NO_RANDOMIZE with any other bit clear is denied; the query (0xffffffff) is not")
    func personality() {
        let rules = HostProtection.personalityWithoutASLR
        #expect(rules.count == 31)
        func denied(_ persona: UInt64) -> Bool {
            rules.contains { rule in rule.conditions.allSatisfy { persona & $0.mask == $0.value } }
        }
        for persona: UInt64 in [0x0040000, 0x0040008, 0x8004_0000, 0xffff_fffe] { #expect(denied(persona), "\(persona)") }
        for persona: UInt64 in [0xffff_ffff, 0, 8, 0x20000, 0xfffb_ffff] { #expect(!denied(persona), "\(persona)") }
    }

    @Test("allowing a name removes its rules; denying replaces them; a rule doing the default is left out")
    func setting() {
        let filter = SyscallFilter(rules: [.init(syscall: "mount", action: .fail(errno: EPERM)), .init(syscall: "ptrace", action: .fail(errno: EPERM))])
        #expect(filter.setting(["mount"], to: .allow).syscalls == ["ptrace"])
        #expect(filter.setting(["ptrace"], to: .fail(errno: EXDEV)).rules.last == .init(syscall: "ptrace", action: .fail(errno: EXDEV)))
        #expect(filter.setting(["ptrace"], to: .fail(errno: EXDEV)).rules.filter { $0.syscall == "ptrace" }.count == 1)
    }

    @Test("a rule for a name libseccomp does not know is refused when the filter is built")
    func unknownName() {
        #expect(throws: SeccompError.unknownSyscall("no_such_call")) {
            try SeccompContext(SyscallFilter(rules: [.init(syscall: "no_such_call", action: .fail(errno: EPERM))]))
        }
        #expect(SeccompContext.knows("mount"))
        #expect(SeccompContext.knows("clock_settime64"), "known on x86, so accepted on x86_64 too")
    }
}
