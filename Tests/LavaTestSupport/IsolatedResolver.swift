import Foundation

/// Runs a program with a resolv.conf and a hostname of its own and everything else shared with
/// the host, its network included (so it reaches a server on loopback): a mount and a UTS
/// namespace from `unshare`, which needs root, as the Docker engine of the tests does.
public struct IsolatedResolver: Sendable {
    public let resolvConf: URL
    /// nil keeps the host's.
    public let hostname: String?

    /// Writes `resolvConf` (e.g. `SilentNameServer.resolvConf`) into `directory`.
    public init(resolvConf text: String, hostname: String?, directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        resolvConf = directory.appendingPathComponent("resolv.conf")
        try text.write(to: resolvConf, atomically: true, encoding: .utf8)
        self.hostname = hostname
    }

    /// The command line to put before a program and its arguments.
    public var launcher: [String] {
        let script = #"mount --bind "$1" /etc/resolv.conf && { [ -z "$2" ] || hostname "$2"; } && shift 2 && exec "$@""#
        return ["/usr/bin/unshare", "--mount", "--uts", "--propagation", "private", "/bin/sh", "-c", script, "isolated",
                resolvConf.path, hostname ?? ""]
    }
}
