/// One denial as the kernel logs it (audit record type 1326, AUDIT_SECCOMP) in /dev/kmsg, e.g.
/// `5,356,3744384023,-;audit: type=1326 audit(1796307250.906:11): auid=4294967295 uid=0 gid=0
/// ses=4294967295 pid=24879 comm="mount" exe="/usr/bin/mount" sig=0 arch=c000003e syscall=165
/// compat=0 ip=0x7f7ddcfb0e5a code=0x50000`. The kernel log is the whole host's: a record is
/// ours only if its call is one our filter denies with an errno.
public struct SeccompDenial: Sendable, Equatable {
    public let syscall: String
    /// The program, as the kernel names it (comm).
    public let command: String
    public let executable: String?
    /// In the host's pid namespace, not the container's.
    public let hostPID: Int

    /// `code=` of an errno action, without the errno.
    static let errnoAction = 0x50000
    /// Far above a real record; longer ones are not read.
    static let maxRecord = 4096
}

extension SeccompDenial {
    /// Parses a /dev/kmsg record; nil for anything but a seccomp errno denial. `name` maps an
    /// audit architecture and a call number to the call's name.
    public init?(record: String, name: (_ architecture: UInt32, _ number: Int32) -> String?) {
        // The record's first line: continuation lines (" KEY=value") and its newline follow it.
        // Facility 0 (prio >> 3) is the kernel's: a process writing to /dev/kmsg cannot forge it.
        guard record.utf8.count <= Self.maxRecord, let line = record.split(separator: "\n").first,
              let semicolon = line.firstIndex(of: ";"),
              let prio = line[..<semicolon].split(separator: ",").first.flatMap({ Int($0) }), prio >> 3 == 0
        else { return nil }
        let text = line[line.index(after: semicolon)...]
        guard text.hasPrefix("audit: type=1326 ") else { return nil }
        var fields: [Substring: Substring] = [:]
        for word in text.split(separator: " ") {
            guard let equals = word.firstIndex(of: "=") else { continue }
            fields[word[..<equals]] = word[word.index(after: equals)...]
        }
        guard let code = fields["code"].flatMap({ Int($0.dropFirst(2), radix: 16) }), code & 0xffff_0000 == Self.errnoAction,
              let architecture = fields["arch"].flatMap({ UInt32($0, radix: 16) }),
              let number = fields["syscall"].flatMap({ Int32($0) }),
              let syscall = name(architecture, number),
              let pid = fields["pid"].flatMap({ Int($0) })
        else { return nil }
        self.syscall = syscall
        command = fields["comm"].map(Self.unquoted) ?? "?"
        executable = fields["exe"].map(Self.unquoted)
        hostPID = pid
    }

    /// The kernel quotes plain strings and writes others (spaces, quotes) in hex: kept as they are.
    private static func unquoted(_ value: Substring) -> String {
        value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") ? String(value.dropFirst().dropLast()) : String(value)
    }
}
