import Logging

/// `--seccomp default|off|FILE`: the built-in profile, none, or the built-in profile changed by
/// an admin's file (`ProfileFile`).
public enum SeccompSetting: Sendable, Equatable, CustomStringConvertible {
    case standard
    case off
    case file(String)

    public init(_ argument: String) {
        switch argument {
        case "default": self = .standard
        case "off": self = .off
        default: self = .file(argument)
        }
    }

    public var description: String {
        switch self {
        case .standard: "default"
        case .off: "off"
        case .file(let path): path
        }
    }

    /// Reads the file and builds the filter over `profile` without loading it: what a command
    /// line's check does, so that a bad file or a filter libseccomp refuses stops a program
    /// before it starts anything.
    public func check(over profile: SyscallFilter) throws(SeccompError) {
        if let filter = try filter(over: profile) { _ = try SeccompContext(filter) }
    }

    /// The filter to load over `profile`, nil when off; a bad file fails here, before anything runs.
    public func filter(over profile: SyscallFilter) throws(SeccompError) -> SyscallFilter? {
        switch self {
        case .standard: profile
        case .off: nil
        case .file(let path): try ProfileFile.read(path).applied(to: profile)
        }
    }
}

extension SeccompSetting {
    /// Builds and loads the filter over `profile` into this process (and so into every process it
    /// starts), first thing at start; off is said as a warning. The filter loaded, nil when off.
    @discardableResult
    public func load(over profile: SyscallFilter, logger: Logger) throws(SeccompError) -> SyscallFilter? {
        guard let filter = try filter(over: profile) else {
            logger.warning("seccomp is off (--seccomp off): processes of jobs may make any system call the container allows, the host's too")
            return nil
        }
        try SeccompContext(filter).load()
        logger.info("seccomp (\(self)) denies \(filter.summary)")
        return filter
    }
}
