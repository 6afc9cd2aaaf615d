import CSeccomp
#if canImport(Glibc)
import Glibc
#endif

/// A `SyscallFilter` built by libseccomp: loaded into this process, or exported as libseccomp's
/// PFC text for people to read.
///
/// Every architecture this machine's processes can call the kernel with is in the filter (x86 and
/// x32 beside x86_64, arm beside aarch64), as Docker's profile has them: a 32-bit program gets
/// the same EPERM, not a kill for an architecture the filter lacks.
public final class SeccompContext {
    private let context: scmp_filter_ctx

    public init(_ filter: SyscallFilter) throws(SeccompError) {
        guard let context = seccomp_init(filter.defaultAction.libseccomp) else {
            throw .libseccomp(operation: "seccomp_init", errno: EINVAL)
        }
        self.context = context
        // The kernel's errno rather than libseccomp's ECANCELED, for the messages and the retry.
        try set(SCMP_FLTATR_API_SYSRAWRC, 1)
        // Every thread of the process, not only the caller: a Swift program has several by then.
        try set(SCMP_FLTATR_CTL_TSYNC, 1)
        // Root in the worker container can load without no_new_privs, which would also stop
        // setuid programs an admin's hooks may use; `load` sets it where it is needed.
        try set(SCMP_FLTATR_CTL_NNP, 0)
        // The kernel logs every denial then (not allowed calls), for DenialWatch to report.
        if filter.rules.contains(where: { $0.action != .allow }) || filter.defaultAction != .allow {
            try set(SCMP_FLTATR_CTL_LOG, 1)
        }
        // Before the rules: a rule added earlier is not copied to an architecture added later.
        for architecture in Self.compatibleArchitectures {
            let rc = seccomp_arch_add(context, architecture)
            guard rc == 0 || rc == -EEXIST else { throw .libseccomp(operation: "seccomp_arch_add", errno: -rc) }
        }
        for rule in filter.rules {
            let number = seccomp_syscall_resolve_name(rule.syscall)
            guard number != __NR_SCMP_ERROR else { throw .unknownSyscall(rule.syscall) }
            let comparisons = rule.conditions.map { lava_scmp_arg($0.index, SCMP_CMP_MASKED_EQ, $0.mask, $0.value) }
            let rc = seccomp_rule_add_array(context, rule.action.libseccomp, number, UInt32(comparisons.count), comparisons)
            guard rc == 0 else { throw .libseccomp(operation: "seccomp_rule_add_array(\(rule.syscall))", errno: -rc) }
        }
    }

    deinit {
        seccomp_release(context)
    }

    /// Loads the filter into every thread of this process, and so into every process it starts
    /// from now on. It cannot be taken back: a later filter can only deny more.
    public func load() throws(SeccompError) {
        var rc = seccomp_load(context)
        if rc == -EACCES {
            // Without CAP_SYS_ADMIN (a non-root lava-docker-worker) the kernel takes a filter
            // only from a process that can gain no privileges by exec.
            try set(SCMP_FLTATR_CTL_NNP, 1)
            rc = seccomp_load(context)
        }
        guard rc == 0 else { throw .libseccomp(operation: "seccomp_load", errno: -rc) }
    }

    /// libseccomp's PFC text of the filter: one section per architecture, each rule as
    /// `if ($syscall == N) action ERRNO(1);`.
    public func pfc() throws(SeccompError) -> String {
        var error: Int32 = 0
        guard let text = lava_seccomp_export_pfc(context, &error) else {
            throw .libseccomp(operation: "seccomp_export_pfc", errno: error)
        }
        defer { free(text) }
        return String(cString: text)
    }

    /// Whether libseccomp knows `name` as a system call on some architecture.
    public static func knows(_ name: String) -> Bool {
        seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR
    }

    /// The name of call `number` on audit architecture `architecture` (a kernel log's `arch=`).
    public static func name(architecture: UInt32, number: Int32) -> String? {
        guard let name = seccomp_syscall_resolve_num_arch(architecture, number) else { return nil }
        defer { free(name) }
        return String(cString: name)
    }

    private func set(_ attribute: scmp_filter_attr, _ value: UInt32) throws(SeccompError) {
        let rc = seccomp_attr_set(context, attribute, value)
        guard rc == 0 else { throw .libseccomp(operation: "seccomp_attr_set(\(attribute.rawValue))", errno: -rc) }
    }

    private static var compatibleArchitectures: [UInt32] {
        switch lava_scmp_arch_native() {
        case lava_scmp_arch_x86_64(): [lava_scmp_arch_x86(), lava_scmp_arch_x32()]
        case lava_scmp_arch_aarch64(): [lava_scmp_arch_arm()]
        default: []
        }
    }
}

extension SyscallFilter.Action {
    var libseccomp: UInt32 {
        switch self {
        case .allow: SCMP_ACT_ALLOW
        case .fail(let errno): lava_scmp_act_errno(UInt16(truncatingIfNeeded: errno))
        }
    }
}
