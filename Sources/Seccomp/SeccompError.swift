/// Why a filter could not be read, built or loaded, with what the admin can do.
public enum SeccompError: Error, Equatable, CustomStringConvertible {
    /// A name libseccomp does not know on any architecture.
    case unknownSyscall(String)
    /// The `--seccomp` file is unreadable or not the format `ProfileFile` describes.
    case badProfile(path: String, reason: String)
    /// A libseccomp call failed with this errno.
    case libseccomp(operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .unknownSyscall(let name):
            return "unknown system call '\(name)': check its spelling against `man 2 syscalls`"
        case .badProfile(let path, let reason):
            return "--seccomp \(path): \(reason)"
        case .libseccomp(let operation, let errno):
            return "seccomp: \(operation) failed: \(String(cString: strerror(errno))) (errno \(errno));"
                + " run with --seccomp off to go without the filter (and say so in a bug report)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
