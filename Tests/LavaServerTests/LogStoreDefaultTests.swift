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
        44 27 0:54 / /srv/lava rw,relatime - cifs //nas/lava rw
        45 44 0:51 / /srv/lava/local\040disk rw,relatime - ext4 /dev/sdb1 rw
        46 27 0:52 / /var/lib/containers rw - fuse.fuse-overlayfs fuse-overlayfs rw
        47 27 0:53 / /mnt/gluster rw - fuse.glusterfs gluster:/vol rw
        48 27 0:55 / /opt/cache rw - tmpfs tmpfs rw
        49 27 0:56 / /opt rw - nfs filer:/opt rw
        """#

    @Test("the mount holding a path: the last one listed over it or a parent, so a later mount on a parent hides a deeper one; escaped mount points; a name that only starts like a mount point is not under it")
    func mountType() {
        #expect(SharedFilesystem.type(of: "/srv/lava/job-output", mountinfo: Self.mountinfo) == "cifs", "mounted over the nfs4 one")
        #expect(SharedFilesystem.type(of: "/srv/lava", mountinfo: Self.mountinfo) == "cifs")
        #expect(SharedFilesystem.type(of: "/srv/lava/local disk/logs", mountinfo: Self.mountinfo) == "ext4")
        #expect(SharedFilesystem.type(of: "/srv/lavatory", mountinfo: Self.mountinfo) == "ext4")
        #expect(SharedFilesystem.type(of: "/", mountinfo: Self.mountinfo) == "ext4")
        #expect(SharedFilesystem.type(of: "/mnt/gluster/x", mountinfo: Self.mountinfo) == "fuse.glusterfs")
        #expect(SharedFilesystem.type(of: "/var/lib/containers/x", mountinfo: Self.mountinfo) == "fuse.fuse-overlayfs")
        #expect(SharedFilesystem.type(of: "/opt/cache/x", mountinfo: Self.mountinfo) == "nfs", "the tmpfs is hidden by /opt mounted after it")
        #expect(SharedFilesystem.type(of: "/x", mountinfo: "garbage\n1 2\n3 4 5 6 7 - \n\\777 \\\n") == nil)
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

    @Test("on this machine: a data directory not made yet under the temporary directory is judged by the filesystem it would be made on, and PostgreSQL's default follows")
    func here() throws {
        let temporary = FileManager.default.temporaryDirectory.resolvingSymlinksInPath()
        let directory = temporary.appendingPathComponent("lava-\(UUID().uuidString)/data")
        let mountinfo = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        let type = try #require(SharedFilesystem.type(of: temporary.path, mountinfo: mountinfo))
        let shared = SharedFilesystem.types.contains(type) ? type : nil
        #expect(SharedFilesystem.name(of: directory) == shared)
        let configuration = ServerConfiguration(dataDirectory: directory, database: .postgres(url: "postgres://lava@db/lava"),
                                                configDirectory: directory, version: "2026.11")
        #expect(configuration.logStore == (shared == nil ? .database : .files))
        #expect(configuration.logStoreDefault.sharedFilesystem == shared)
    }
}
