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

    @Test("the summary for the log names what is denied, on which arguments and with which errno")
    func summary() {
        let filter = SyscallFilter(rules: [.init(syscall: "mount", action: .fail(errno: EPERM)), .init(syscall: "ptrace", action: .fail(errno: EXDEV))]
            + HostProtection.personalityWithoutASLR)
        #expect(filter.summary == "mount personality(some arguments) ptrace(errno 18)")
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

/// The kernel's seccomp records in /dev/kmsg, as the worker reads them.
@Suite struct SeccompDenialTests {
    static let record = #"5,356,3744384023,-;audit: type=1326 audit(1796307250.906:11): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=24879 comm="mount" exe="/usr/bin/mount" sig=0 arch=c000003e syscall=165 compat=0 ip=0x7f7ddcfb0e5a code=0x50000"#

    @Test("an errno denial: the call named for its architecture, the program, the host pid")
    func denial() throws {
        let denial = try #require(SeccompDenial(record: Self.record + "\n", name: SeccompContext.name), "as read from /dev/kmsg")
        #expect(denial == SeccompDenial(syscall: "mount", command: "mount", executable: "/usr/bin/mount", hostPID: 24879))
        let i386 = Self.record.replacingOccurrences(of: "arch=c000003e syscall=165", with: "arch=40000003 syscall=21")
        #expect(SeccompDenial(record: i386, name: SeccompContext.name)?.syscall == "mount", "i386's mount is 21")
    }

    @Test("anything else is not one: other records, kills and logs, unknown numbers, garbage, a record too long")
    func notDenials() {
        for record in [
            "6,357,3744384100,-;usb 1-1: new high-speed USB device number 2",
            Self.record.replacingOccurrences(of: "code=0x50000", with: "code=0x0"),
            Self.record.replacingOccurrences(of: "code=0x50000", with: "code=0x7ffc0000"),
            Self.record.replacingOccurrences(of: "syscall=165", with: "syscall=99999"),
            Self.record.replacingOccurrences(of: "arch=c000003e", with: "arch=zz"),
            Self.record.replacingOccurrences(of: " pid=24879", with: ""),
            "type=1326 ;;;===",
            // Written to /dev/kmsg by a process (facility 1, user): not the kernel's.
            "12" + Self.record.drop { $0 != "," },
            Self.record.replacingOccurrences(of: ";audit: type=1326", with: ";forged audit: type=1326"),
            Self.record + String(repeating: " x=y", count: 2000),
        ] {
            #expect(SeccompDenial(record: record, name: SeccompContext.name) == nil, "\(record.prefix(200))")
        }
    }
}
