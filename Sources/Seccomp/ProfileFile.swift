import Foundation

/// An admin's changes to a profile (`--seccomp FILE`), in the `syscalls` part of Docker's
/// seccomp format so that one file can serve both:
///
///     {"syscalls": [
///       {"names": ["mount", "umount2"], "action": "SCMP_ACT_ALLOW", "comment": "loop-mounted images"},
///       {"names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}
///     ]}
///
/// Only names, action, errnoRet and comment are read; anything else (Docker's defaultAction,
/// args, includes) is refused rather than ignored, as it would mean something this file cannot.
public struct ProfileFile: Sendable, Equatable {
    public enum Change: Sendable, Equatable {
        case allow([String])
        case deny([String], errno: Int32)
    }

    public let changes: [Change]

    /// Bounds on hostile or mistaken input: far above any real profile.
    static let maxBytes = 64 * 1024
    static let maxEntries = 256
    static let maxNamesPerEntry = 512

    private static let documentKeys: Set<String> = ["syscalls", "comment"]
    private static let entryKeys: Set<String> = ["names", "action", "errnoRet", "comment"]

    /// Reads `path` (at most `maxBytes`).
    public static func read(_ path: String) throws(SeccompError) -> ProfileFile {
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: maxBytes + 1) ?? Data()
        } catch {
            throw .badProfile(path: path, reason: "cannot read it: \(error.localizedDescription)")
        }
        return try parse(data, path: path)
    }

    public static func parse(_ data: Data, path: String) throws(SeccompError) -> ProfileFile {
        func bad(_ reason: String) -> SeccompError { .badProfile(path: path, reason: reason) }
        guard data.count <= maxBytes else { throw bad("larger than \(maxBytes) bytes") }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw bad("not JSON: \(error.localizedDescription)")
        }
        guard let top = object as? [String: Any] else { throw bad(#"not a JSON object: expected {"syscalls": [...]}"#) }
        if let extra = Set(top.keys).subtracting(documentKeys).sorted().first {
            throw bad("'\(extra)' is not read here: only \"syscalls\" entries change lava's profile (Docker's whole profiles do not apply)")
        }
        guard let entries = top["syscalls"] as? [Any] else { throw bad(#""syscalls" must be a list"#) }
        guard entries.count <= maxEntries else { throw bad("more than \(maxEntries) entries") }
        var changes: [Change] = []
        for (index, entry) in entries.enumerated() {
            let place = "syscalls[\(index)]"
            guard let fields = entry as? [String: Any] else { throw bad("\(place) is not an object") }
            if let extra = Set(fields.keys).subtracting(entryKeys).sorted().first {
                throw bad("\(place): '\(extra)' is not supported (only names, action, errnoRet, comment)")
            }
            guard let names = fields["names"] as? [String], !names.isEmpty else { throw bad("\(place): \"names\" must be a non-empty list of strings") }
            guard names.count <= maxNamesPerEntry else { throw bad("\(place): more than \(maxNamesPerEntry) names") }
            for name in names {
                guard Self.isSyscallName(name) else { throw bad("\(place): '\(name.prefix(64))' is not a system call name") }
                guard SeccompContext.knows(name) else { throw bad("\(place): unknown system call '\(name)'") }
            }
            switch fields["action"] as? String {
            case "SCMP_ACT_ALLOW":
                guard fields["errnoRet"] == nil else { throw bad("\(place): errnoRet goes with SCMP_ACT_ERRNO only") }
                changes.append(.allow(names))
            case "SCMP_ACT_ERRNO":
                let errno = fields["errnoRet"].map { $0 as? Int } ?? 1
                guard let errno, (1...4095).contains(errno) else { throw bad("\(place): errnoRet must be an errno from 1 to 4095") }
                changes.append(.deny(names, errno: Int32(errno)))
            case let other:
                throw bad("\(place): action must be SCMP_ACT_ALLOW or SCMP_ACT_ERRNO, not \(other.map { "'\($0.prefix(64))'" } ?? "missing")")
            }
        }
        return ProfileFile(changes: changes)
    }

    /// `filter` with the changes made, in the file's order (a later entry wins).
    public func applied(to filter: SyscallFilter) -> SyscallFilter {
        changes.reduce(filter) { filter, change in
            switch change {
            case .allow(let names): filter.setting(names, to: .allow)
            case .deny(let names, let errno): filter.setting(names, to: .fail(errno: errno))
            }
        }
    }

    static func isSyscallName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }
}
