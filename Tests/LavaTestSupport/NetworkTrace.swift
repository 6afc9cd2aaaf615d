import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program under strace and reads back every socket address it, its threads and its
/// children connected, bound, listened or sent to: a test's proof that a program used no network
/// but what it was given (a name lookup shows as a connect to a name server or to nscd's socket,
/// or as netlink). strace is Debian's (scripts/install-deps.sh); tracing one's own child needs no
/// privilege beyond the tests' usual root.
public struct NetworkTrace: Sendable {
    public let file: URL

    /// The trace goes to `directory/network.trace`.
    public init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        file = directory.appendingPathComponent("network.trace")
    }

    /// The command line to put before the program and its arguments. strace runs it as its child
    /// and exits with its status once it and its children have ended, so the trace is whole then;
    /// it ignores SIGTERM itself (`-o`), so a signal meant for the program goes to `tracee(of:)`.
    public var launcher: [String] {
        ["/usr/bin/strace", "-f", "-qq", "-o", file.path, "-e", "trace=connect,bind,listen,sendto,sendmsg,sendmmsg", "--"]
    }

    /// The program strace (process `tracer`) started: its only child.
    public static func tracee(of tracer: pid_t) throws -> pid_t {
        let path = "/proc/\(tracer)/task/\(tracer)/children"
        let children = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: " ").compactMap { pid_t($0) }
        guard children.count == 1, let child = children.first else {
            throw TestFailure("strace (pid \(tracer)) has children \(children) in \(path), not one program")
        }
        return child
    }

    /// Each socket address in the trace, in order, as `<call> <address>`: `connect 127.0.0.1:8000`,
    /// `sendto [::1]:53`, `connect unix:/run/nscd/socket`, `bind AF_NETLINK`. A call on a
    /// connected socket names no address and is left out; its connect is in.
    public func uses() throws -> [String] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").flatMap { line -> [String] in
            // "<pid> <call>(<arguments>) = <result>"
            let call = line.drop { $0.isNumber || $0 == " " }.prefix { $0 != "(" }
            return Self.addresses(in: line).map { "\(call) \($0)" }
        }
    }

    /// The socket addresses strace printed in one line: `{sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.1")}`.
    static func addresses(in line: Substring) -> [String] {
        line.ranges(of: "{sa_family=").map { start in
            let fields = line[start.upperBound...].prefix { $0 != "}" }
            let family = fields.prefix { $0 != "," }
            switch family {
            case "AF_INET":
                return "\(quoted(in: fields, after: "inet_addr(") ?? "?"):\(port(in: fields, after: "sin_port=htons(") ?? "?")"
            case "AF_INET6":
                return "[\(quoted(in: fields, after: "inet_pton(AF_INET6, ") ?? "?")]:\(port(in: fields, after: "sin6_port=htons(") ?? "?")"
            case "AF_UNIX":
                // An abstract socket's name starts with @, before the quote.
                let abstract = fields.contains("sun_path=@") ? "@" : ""
                return "unix:\(abstract)\(quoted(in: fields, after: "sun_path=\(abstract)") ?? "?")"
            default:
                return String(family)
            }
        }
    }

    private static func quoted(in fields: Substring, after marker: String) -> Substring? {
        guard let range = fields.firstRange(of: marker + "\"") else { return nil }
        return fields[range.upperBound...].prefix { $0 != "\"" }
    }

    private static func port(in fields: Substring, after marker: String) -> Substring? {
        guard let range = fields.firstRange(of: marker) else { return nil }
        return fields[range.upperBound...].prefix { $0.isNumber }
    }
}
