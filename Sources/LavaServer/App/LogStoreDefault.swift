import Foundation

/// Where new jobs' logs go when `--log-store` names no store: the database on PostgreSQL, so
/// that instances on separate machines share nothing else, unless the data directory is on a
/// network filesystem. That is how instances shared logs before the database store, and an
/// installation set up so keeps its files until its admin chooses (`logs migrate`).
public struct LogStoreDefault: Sendable, Equatable {
    public var kind: LogStoreKind
    /// The network filesystem the data directory is on, when that decided.
    public var sharedFilesystem: String?

    public init(database: DatabaseLocation, sharedFilesystem: String?) {
        guard case .postgres = database else {
            self.kind = .files
            self.sharedFilesystem = nil
            return
        }
        self.kind = sharedFilesystem == nil ? .database : .files
        self.sharedFilesystem = sharedFilesystem
    }

    /// The default for a data directory, by the filesystem it is on (looked at on PostgreSQL
    /// only: SQLite's logs are in files whatever it is).
    public init(database: DatabaseLocation, dataDirectory: URL) {
        guard case .postgres = database else {
            self.init(database: database, sharedFilesystem: nil)
            return
        }
        self.init(database: database, sharedFilesystem: SharedFilesystem.name(of: dataDirectory))
    }

    /// For the server's start: where logs go, and why when it is not the usual choice.
    public var description: String {
        guard let sharedFilesystem, kind == .files else { return "logs of new jobs in \(kind)" }
        return "logs of new jobs in files: the data directory is on \(sharedFilesystem), shared by the instances;"
            + " --log-store database keeps them in the database (lava-server logs migrate moves the old ones)"
    }
}

/// Whether a directory is on a filesystem several hosts mount, by the type its mount has in
/// /proc/self/mountinfo (statfs(2)'s magic numbers would need a C shim; the names are plainer).
public enum SharedFilesystem {
    /// Network and cluster filesystems, and the FUSE ones that are; not every FUSE filesystem is
    /// (fuse-overlayfs is a container's local root). A filesystem not listed counts as local:
    /// `--log-store` says what the default cannot tell.
    static let types: Set<String> = [
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph", "glusterfs", "afs", "ocfs2", "gfs2", "lustre", "gpfs", "beegfs",
        "fuse.glusterfs", "fuse.sshfs", "fuse.s3fs", "fuse.rclone", "fuse.ceph-fuse", "fuse.juicefs", "fuse.gcsfuse",
    ]

    /// The shared filesystem `directory` is on, or would be created on (its nearest existing
    /// parent); nil for a local one, or when the mounts cannot be read.
    public static func name(of directory: URL) -> String? {
        var url = directory.standardizedFileURL
        while !FileManager.default.fileExists(atPath: url.path), url.path != "/" {
            url = url.deletingLastPathComponent()
        }
        // Decoded leniently: a mount point elsewhere may have bytes that are not UTF-8.
        guard let data = FileManager.default.contents(atPath: "/proc/self/mountinfo"),
              let type = type(of: url.resolvingSymlinksInPath().path, mountinfo: String(decoding: data, as: UTF8.self)) else { return nil }
        return types.contains(type) ? type : nil
    }

    /// The type of the mount holding `path` (absolute, symbolic links resolved): the last one
    /// listed (mounts are listed in the order they were made) whose mount point is `path` or one
    /// of its parents. A later mount on a parent hides an earlier, deeper one; a later, deeper
    /// one is inside the parent's.
    static func type(of path: String, mountinfo: String) -> String? {
        var found: String?
        for line in mountinfo.split(separator: "\n") {
            // id parent major:minor root mount-point options [optional…] - type source super-options
            let fields = line.split(separator: " ")
            guard fields.count > 4, let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count else { continue }
            let point = unescaped(fields[4])
            if point == "/" || path == point || path.hasPrefix(point + "/") { found = String(fields[dash + 1]) }
        }
        return found
    }

    /// Mount points have space, tab, line feed and backslash as octal escapes (`\040`).
    private static func unescaped(_ field: Substring) -> String {
        var bytes: [UInt8] = []
        var rest = Array(field.utf8)[...]
        while let byte = rest.popFirst() {
            if byte == UInt8(ascii: "\\"), rest.count >= 3, let value = UInt8(String(decoding: rest.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                rest = rest.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
