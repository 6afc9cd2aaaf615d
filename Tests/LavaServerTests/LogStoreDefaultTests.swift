import Foundation
@testable import LavaServer
import Testing

/// Where new jobs' logs go when `--log-store` names no store: the database on PostgreSQL unless
/// the data directory is on a network filesystem.
@Suite struct LogStoreDefaultTests {
    static let mountinfo = #"""
        22 27 0:21 / /proc rw,relatime - proc proc rw
        27 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
        40 27 0:50 / /srv/lava rw,relatime shared:20 - nfs4 filer:/export/lava rw,vers=4.2
        41 40 0:51 / /srv/lava/local\040disk rw,relatime - ext4 /dev/sdb1 rw
        42 27 0:52 / /var/lib/containers rw - fuse.fuse-overlayfs fuse-overlayfs rw
        43 27 0:53 / /mnt/gluster rw - fuse.glusterfs gluster:/vol rw
        44 27 0:54 / /srv/lava rw,relatime - cifs //nas/lava rw
        """#

    @Test("the mount holding a path: the deepest mount point above it, the last one mounted there; escaped mount points; a name that only starts like a mount point is not under it")
    func mountType() {
        #expect(SharedFilesystem.type(of: "/srv/lava/job-output", mountinfo: Self.mountinfo) == "cifs", "mounted over the nfs4 one")
        #expect(SharedFilesystem.type(of: "/srv/lava/local disk/logs", mountinfo: Self.mountinfo) == "ext4")
        #expect(SharedFilesystem.type(of: "/srv/lavatory", mountinfo: Self.mountinfo) == "ext4")
        #expect(SharedFilesystem.type(of: "/", mountinfo: Self.mountinfo) == "ext4")
        #expect(SharedFilesystem.type(of: "/mnt/gluster/x", mountinfo: Self.mountinfo) == "fuse.glusterfs")
        #expect(SharedFilesystem.type(of: "/x", mountinfo: "garbage\n1 2\n") == nil)
        #expect(SharedFilesystem.types.contains("nfs4") && SharedFilesystem.types.contains("fuse.glusterfs"))
        #expect(!SharedFilesystem.types.contains("fuse.fuse-overlayfs") && !SharedFilesystem.types.contains("ext4"))
    }

    @Test("the default: database on PostgreSQL with a local data directory, files on a shared one (and says why), files on SQLite")
    func choice() {
        let postgres = DatabaseLocation.postgres(url: "postgres://lava@db/lava")
        #expect(LogStoreDefault(database: postgres, sharedFilesystem: nil).kind == .database)
        let shared = LogStoreDefault(database: postgres, sharedFilesystem: "nfs4")
        #expect(shared.kind == .files)
        #expect(shared.description.contains("the data directory is on nfs4") && shared.description.contains("--log-store database"))
        #expect(LogStoreDefault(database: .sqlite(path: "/x/lava.sqlite3"), sharedFilesystem: nil).kind == .files)
        #expect(LogStoreDefault(database: .sqlite(path: "/x/lava.sqlite3"), sharedFilesystem: "nfs4").kind == .files)
    }

    @Test("on this machine: a data directory under the temporary directory (not there yet) is on a local filesystem, so PostgreSQL's default is the database")
    func here() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lava-\(UUID().uuidString)/data")
        let mountinfo = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        #expect(SharedFilesystem.type(of: FileManager.default.temporaryDirectory.resolvingSymlinksInPath().path, mountinfo: mountinfo) != nil)
        #expect(SharedFilesystem.name(of: directory) == nil)
        let configuration = ServerConfiguration(dataDirectory: directory, database: .postgres(url: "postgres://lava@db/lava"),
                                                configDirectory: directory, version: "2026.11")
        #expect(configuration.logStore == .database)
    }
}
