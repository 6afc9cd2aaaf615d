/// Decides whether extracting an archive could write outside the test directory: a member with an
/// absolute name or a `..` component, a symlink whose target resolves outside (following the
/// archive's own symlinks), a hard link to such a place, or a member written through a symlink
/// that leads outside. Names are checked as `tar --strip-components=N` will write them. Members
/// that extracting as root would make dangerous on the host (devices, FIFOs, set-user-ID files)
/// and paths written twice (whose result depends on the order tar creates them) are refused too.
struct ArchiveMemberCheck {
    struct Refusal: Error, Equatable {
        let member: String
        let reason: String
    }

    /// The kernel's limit on symlinks followed while resolving one path.
    private static let maxLinks = 40
    private static let setID = 0o6000

    let stripComponents: Int

    func check(_ members: [TarListing.Member]) throws(Refusal) {
        var symlinks: [[String]: String] = [:]
        var written: [(member: TarListing.Member, path: [String])] = []
        var seen: [[String]: TarListing.Member.Kind] = [:]
        for member in members {
            if member.name.hasPrefix("/") { throw Refusal(member: member.name, reason: "has an absolute path") }
            let components = member.name.split(separator: "/").map(String.init)
            if components.contains("..") { throw Refusal(member: member.name, reason: "has a '..' component") }
            // tar counts "." as a component when stripping, and skips members with nothing left.
            guard components.count > stripComponents else { continue }
            let path = components.dropFirst(stripComponents).filter { $0 != "." }
            guard !path.isEmpty else { continue }
            if let earlier = seen[path], earlier != .directory || member.kind != .directory {
                throw Refusal(member: member.name, reason: "is written twice (after strip-components), with a result "
                    + "that depends on the order of extraction")
            }
            seen[path] = member.kind
            switch member.kind {
            case .special:
                throw Refusal(member: member.name, reason: "is a device node or FIFO")
            case .symlink(let target):
                if target.hasPrefix("/") {
                    throw Refusal(member: member.name, reason: "is a symlink to the absolute path '\(target)'")
                }
                symlinks[path] = target
            case .hardlink(let target):
                let targetComponents = target.split(separator: "/").map(String.init)
                if target.hasPrefix("/") || targetComponents.contains("..") {
                    throw Refusal(member: member.name, reason: "is a hard link to '\(target)'")
                }
            case .file:
                if member.mode & Self.setID != 0 {
                    throw Refusal(member: member.name, reason: "is set-user-ID or set-group-ID, which tar keeps "
                        + "when it extracts as root")
                }
            case .directory:
                break
            }
            written.append((member, path))
        }
        for (member, path) in written {
            // The member's directory must stay inside, whichever symlinks lead to it.
            guard resolve(Array(path.dropLast()), symlinks: symlinks) != nil else {
                throw Refusal(member: member.name, reason: "is written through a symlink that leads outside")
            }
            switch member.kind {
            case .symlink(let target):
                let resolved = resolve(Array(path.dropLast()) + target.split(separator: "/").map(String.init),
                                       symlinks: symlinks)
                if resolved == nil {
                    throw Refusal(member: member.name, reason: "is a symlink to '\(target)'")
                }
            case .hardlink(let target):
                let targetPath = target.split(separator: "/").map(String.init).dropFirst(stripComponents)
                if resolve(Array(targetPath), symlinks: symlinks) == nil {
                    throw Refusal(member: member.name, reason: "is a hard link to '\(target)'")
                }
            default:
                break
            }
        }
    }
    /// The path inside the directory that `components` lead to, or nil when they lead outside
    /// (or through more links than the kernel follows).
    private func resolve(_ components: [String], symlinks: [[String]: String], depth: Int = 0) -> [String]? {
        guard depth <= Self.maxLinks else { return nil }
        var resolved: [String] = []
        for component in components {
            switch component {
            case "", ".":
                continue
            case "..":
                guard !resolved.isEmpty else { return nil }
                resolved.removeLast()
            default:
                resolved.append(component)
                guard let target = symlinks[resolved] else { continue }
                if target.hasPrefix("/") { return nil }
                resolved.removeLast()
                let next = resolved + target.split(separator: "/").map(String.init)
                guard let followed = resolve(next, symlinks: symlinks, depth: depth + 1) else { return nil }
                resolved = followed
            }
        }
        return resolved
    }
}
