#if canImport(Glibc)
import Glibc
#endif

/// A seccomp filter as a value: what happens to a system call no rule matches, and rules by
/// system-call name. Built and loaded by `SeccompContext` through libseccomp; nothing here is
/// BPF.
public struct SyscallFilter: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        case allow
        /// The call fails with this errno (e.g. EPERM) without running; the process goes on.
        case fail(errno: Int32)
    }

    /// `(argument & mask) == value`, on the call's argument `index` (0-5).
    public struct Condition: Sendable, Equatable {
        public var index: UInt32
        public var mask: UInt64
        public var value: UInt64

        public init(index: UInt32, mask: UInt64, value: UInt64) {
            self.index = index
            self.mask = mask
            self.value = value
        }
    }

    public struct Rule: Sendable, Equatable {
        public var syscall: String
        public var action: Action
        /// All hold for the rule to apply; none: it applies to every call.
        public var conditions: [Condition]

        public init(syscall: String, action: Action, conditions: [Condition] = []) {
            self.syscall = syscall
            self.action = action
            self.conditions = conditions
        }
    }

    public var defaultAction: Action
    public var rules: [Rule]

    public init(defaultAction: Action = .allow, rules: [Rule] = []) {
        self.defaultAction = defaultAction
        self.rules = rules
    }

    /// The system calls some rule names, sorted.
    public var syscalls: [String] { Set(rules.map(\.syscall)).sorted() }

    /// The calls its rules deny, for a log: `name`, `name(errno N)` for another errno than
    /// EPERM, `name(some arguments)` for a rule on arguments.
    public var summary: String {
        syscalls.filter { name in rules.contains { $0.syscall == name && $0.action != .allow } }.map { name in
            let named = rules.filter { $0.syscall == name }
            var notes: [String] = []
            if named.contains(where: { !$0.conditions.isEmpty }) { notes.append("some arguments") }
            let errnos = Set(named.compactMap { rule -> Int32? in
                if case .fail(let errno) = rule.action { errno } else { nil }
            })
            for errno in errnos.sorted() where errno != EPERM { notes.append("errno \(errno)") }
            return notes.isEmpty ? name : "\(name)(\(notes.joined(separator: ", ")))"
        }.joined(separator: " ")
    }

    /// With every rule about `names` replaced by one that does `action` to all their calls. A
    /// rule doing what the default does is left out: it would change nothing (and libseccomp
    /// refuses it).
    public func setting(_ names: [String], to action: Action) -> SyscallFilter {
        var filter = self
        let named = Set(names)
        filter.rules.removeAll { named.contains($0.syscall) }
        if action != defaultAction {
            filter.rules += names.map { Rule(syscall: $0, action: action) }
        }
        return filter
    }
}
