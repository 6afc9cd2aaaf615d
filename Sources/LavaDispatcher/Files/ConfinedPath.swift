import Foundation
import LavaCore
#if canImport(Glibc)
import Glibc
#endif

/// A file inside a base directory, named by a relative path that came from a job or a fetched
/// test definition (`path:`, a run name, a file of a cloned repository). Every file lava-run
/// writes or reads there for a job goes through it: the path may not be empty, absolute, hold NUL
/// or a `..` component, and each component is opened with `O_NOFOLLOW` below the base, so neither
/// the text nor a symlink planted by a repository or archive can lead outside the base.
struct ConfinedPath: Sendable, Equatable, CustomStringConvertible {
    enum Problem: Error, Equatable, CustomStringConvertible {
        /// The path, or what it leads through, is not allowed: the job's fault.
        case refused(String)
        /// A component of the path does not exist (reading).
        case missing
        /// The system refused an allowed operation: the worker's fault.
        case failed(String)

        var description: String {
            switch self {
            case .refused(let reason), .failed(let reason): reason
            case .missing: "does not exist"
            }
        }
    }

    /// The kernel's limit on symlinks followed while resolving one path.
    private static let maxLinks = 40
    private static let maxLength = 4096

    let base: URL
    /// Never empty; none is "", "." or "..".
    let components: [String]

    init(_ relative: String, in base: URL) throws(Problem) {
        self.base = base
        components = try Self.components(of: relative)
    }

    private init(base: URL, components: [String]) {
        self.base = base
        self.components = components
    }

    /// The checks of `init` on their own, for a job field read before there is a directory.
    static func components(of relative: String) throws(Problem) -> [String] {
        guard !relative.utf8.contains(0) else { throw .refused("must not contain a NUL character") }
        guard relative.utf8.count <= maxLength else { throw .refused("is longer than \(maxLength) bytes") }
        guard !relative.hasPrefix("/") else { throw .refused("must be relative, not an absolute path") }
        let parts = relative.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !parts.contains("..") else { throw .refused("must not contain '..'") }
        var components: [String] = []
        // Each component is a file name by the same rule as every name from outside.
        for part in parts where part != "." {
            do {
                components.append(try PathComponent(part).name)
            } catch {
                throw .refused("has a component that cannot be a file name: \(error.reason)")
            }
        }
        guard !components.isEmpty else { throw .refused("must name a file, not the directory itself") }
        return components
    }

    var url: URL { components.reduce(base) { $0.appendingPathComponent($1) } }
    var description: String { components.joined(separator: "/") }

    func appending(_ relative: String) throws(Problem) -> ConfinedPath {
        ConfinedPath(base: base, components: components + (try Self.components(of: relative)))
    }

    /// The same file with the symlinks on its way followed, as long as each one stays inside the
    /// base (a repository may link one definition to another); an absolute target is refused.
    func resolvingSymlinks() throws(Problem) -> ConfinedPath {
        var pending = components[...]
        var resolved: [String] = []
        var followed = 0
        // Below a missing component nothing exists, so no symlink can follow.
        var missing = false
        while let component = pending.popFirst() {
            switch component {
            case "", ".":
                continue
            case "..":
                guard !resolved.isEmpty else { throw .refused("leads outside the directory through a symlink") }
                resolved.removeLast()
                continue
            default:
                resolved.append(component)
            }
            guard !missing else { continue }
            let path = resolved.reduce(base) { $0.appendingPathComponent($1) }.path
            var info = stat()
            guard lstat(path, &info) == 0 else {
                if errno == ENOENT {
                    missing = true
                    continue
                }
                throw .failed("cannot inspect \(path): \(Self.errorText())")
            }
            guard info.st_mode & S_IFMT == S_IFLNK else { continue }
            followed += 1
            guard followed <= Self.maxLinks else { throw .refused("goes through too many symlinks") }
            var buffer = [CChar](repeating: 0, count: Self.maxLength + 1)
            let length = readlink(path, &buffer, Self.maxLength)
            guard length >= 0 else { throw .failed("cannot read the symlink \(path): \(Self.errorText())") }
            let target = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard !target.hasPrefix("/") else {
                throw .refused("goes through '\(resolved.joined(separator: "/"))', a symlink to the absolute path '\(target)'")
            }
            resolved.removeLast()
            pending = (target.split(separator: "/").map(String.init) + pending)[...]
        }
        guard !resolved.isEmpty else { throw .refused("leads to the directory itself through a symlink") }
        return ConfinedPath(base: base, components: resolved)
    }

    /// The file's bytes, refused when any component is a symlink or the file is not a regular
    /// file or holds more than `limit` bytes.
    func contents(limit: Int) throws(Problem) -> Data {
        let directory = try openParent(creating: false)
        defer { close(directory) }
        let name = components[components.count - 1]
        let file = openat(directory, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard file >= 0 else { throw problem(opening: name, in: directory) }
        defer { close(file) }
        var info = stat()
        guard fstat(file, &info) == 0 else { throw .failed("cannot inspect \(url.path): \(Self.errorText())") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .refused("is not a regular file") }
        guard Int(info.st_size) <= limit else { throw .refused("is larger than \(limit) bytes") }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(file, &chunk, chunk.count)
            guard count >= 0 else { throw .failed("cannot read \(url.path): \(Self.errorText())") }
            if count == 0 { return data }
            data.append(contentsOf: chunk[..<count])
            guard data.count <= limit else { throw .refused("is larger than \(limit) bytes") }
        }
    }

    /// Writes a new file in place of whatever entry (a file or symlink of a repository) has the
    /// name, creating missing directories; mode 755 when `executable`, else 644.
    func create(_ data: Data, executable: Bool = false) throws(Problem) {
        let directory = try openParent(creating: true)
        defer { close(directory) }
        let name = components[components.count - 1]
        if unlinkat(directory, name, 0) != 0, errno != ENOENT {
            throw errno == EISDIR ? .refused("is a directory") : .failed("cannot replace \(url.path): \(Self.errorText())")
        }
        let mode: mode_t = executable ? 0o755 : 0o644
        let file = openat(directory, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard file >= 0 else { throw .failed("cannot create \(url.path): \(Self.errorText())") }
        defer { close(file) }
        var written = 0
        let bytes = [UInt8](data)
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(file, $0.baseAddress, $0.count) }
            guard count > 0 else { throw .failed("cannot write \(url.path): \(Self.errorText())") }
            written += count
        }
        // The umask may have taken bits off the mode given to openat.
        guard fchmod(file, mode) == 0 else { throw .failed("cannot set the mode of \(url.path): \(Self.errorText())") }
    }

    /// Creates the directory and its missing parents; an existing symlink on the way is refused.
    func makeDirectory() throws(Problem) {
        let parent = try openParent(creating: true)
        defer { close(parent) }
        let directory = try openDirectory(components[components.count - 1], in: parent, creating: true)
        close(directory)
    }

    /// The directory holding the last component, opened component by component without
    /// following symlinks.
    private func openParent(creating: Bool) throws(Problem) -> Int32 {
        var directory = open(base.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw .failed("cannot open \(base.path): \(Self.errorText())") }
        for component in components.dropLast() {
            let next: Int32
            do throws(Problem) {
                next = try openDirectory(component, in: directory, creating: creating)
            } catch {
                close(directory)
                throw error
            }
            close(directory)
            directory = next
        }
        return directory
    }

    private func openDirectory(_ name: String, in parent: Int32, creating: Bool) throws(Problem) -> Int32 {
        if creating, mkdirat(parent, name, 0o755) != 0, errno != EEXIST {
            throw .failed("cannot create the directory \(name) in \(base.path): \(Self.errorText())")
        }
        let directory = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard directory >= 0 else { throw problem(opening: name, in: parent) }
        return directory
    }

    /// Why `openat` failed: a symlink or a file where a directory belongs is the path's fault.
    private func problem(opening name: String, in parent: Int32) -> Problem {
        let error = errno
        var info = stat()
        if fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0 {
            if info.st_mode & S_IFMT == S_IFLNK { return .refused("goes through '\(name)', a symlink") }
            if error == ENOTDIR { return .refused("goes through '\(name)', which is not a directory") }
        } else if errno == ENOENT {
            return .missing
        }
        return .failed("cannot open \(name) in \(url.deletingLastPathComponent().path): \(String(cString: strerror(error)))")
    }

    private static func errorText() -> String {
        String(cString: strerror(errno))
    }
}
