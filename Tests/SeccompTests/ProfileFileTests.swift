import Foundation
@testable import Seccomp
import Testing

/// `--seccomp FILE`: Docker's `syscalls` entries changing the built-in profile, and every kind of
/// bad file refused with the reason.
@Suite struct ProfileFileTests {
    func parse(_ text: String) throws(SeccompError) -> ProfileFile {
        try ProfileFile.parse(Data(text.utf8), path: "extra.json")
    }

    @Test("allowed names leave the profile, denied ones join it with their errno; a later entry wins")
    func applied() throws {
        let file = try parse("""
            {"comment": "loop-mounted images", "syscalls": [
              {"names": ["mount", "umount2"], "action": "SCMP_ACT_ALLOW", "comment": "iso-installer"},
              {"names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18},
              {"names": ["unshare"], "action": "SCMP_ACT_ERRNO"},
              {"names": ["unshare"], "action": "SCMP_ACT_ALLOW"}
            ]}
            """)
        let filter = file.applied(to: HostProtection.worker)
        #expect(!filter.syscalls.contains("mount") && !filter.syscalls.contains("umount2"))
        #expect(filter.syscalls.contains("umount"), "only what the file names")
        #expect(filter.rules.contains(.init(syscall: "ptrace", action: .fail(errno: 18))))
        #expect(!filter.syscalls.contains("unshare"))
        #expect(try SeccompContext(filter).pfc().contains("action ERRNO(18);"))
    }

    @Test("a file read from disk: the setting builds the filter, off builds none")
    func setting() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("seccomp-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"syscalls": [{"names": ["mount"], "action": "SCMP_ACT_ALLOW"}]}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try SeccompSetting(path).filter(over: HostProtection.worker)?.syscalls.contains("mount") == false)
        #expect(try SeccompSetting("default").filter(over: HostProtection.worker) == HostProtection.worker)
        #expect(try SeccompSetting("off").filter(over: HostProtection.worker) == nil)
        #expect(throws: SeccompError.self) { try SeccompSetting(path + ".missing").filter(over: HostProtection.worker) }
    }

    @Test("bad files are refused with what is wrong", arguments: [
        ("{", "not JSON"),
        ("[]", "not a JSON object"),
        (#"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": []}"#, "'defaultAction' is not read here"),
        (#"{"syscalls": {}}"#, #""syscalls" must be a list"#),
        (#"{"syscalls": [3]}"#, "syscalls[0] is not an object"),
        (#"{"syscalls": [{"names": [], "action": "SCMP_ACT_ALLOW"}]}"#, "non-empty list"),
        (#"{"syscalls": [{"names": ["mount"], "action": "SCMP_ACT_KILL"}]}"#, "action must be SCMP_ACT_ALLOW or SCMP_ACT_ERRNO, not 'SCMP_ACT_KILL'"),
        (#"{"syscalls": [{"names": ["mount"]}]}"#, "not missing"),
        (#"{"syscalls": [{"names": ["mount"], "action": "SCMP_ACT_ALLOW", "args": []}]}"#, "'args' is not supported"),
        (#"{"syscalls": [{"names": ["mount"], "action": "SCMP_ACT_ALLOW", "errnoRet": 1}]}"#, "errnoRet goes with SCMP_ACT_ERRNO only"),
        (#"{"syscalls": [{"names": ["mount"], "action": "SCMP_ACT_ERRNO", "errnoRet": 0}]}"#, "errnoRet must be an errno from 1 to 4095"),
        (#"{"syscalls": [{"names": ["mountt"], "action": "SCMP_ACT_ALLOW"}]}"#, "unknown system call 'mountt'"),
        (#"{"syscalls": [{"names": ["../etc"], "action": "SCMP_ACT_ALLOW"}]}"#, "'../etc' is not a system call name"),
    ])
    func refused(_ text: String, _ reason: String) {
        do {
            _ = try parse(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix("--seccomp extra.json: "), "\(error)")
            #expect(error.description.contains(reason), "\(error)")
        }
    }

    @Test("sizes are bounded: a file past 64 KiB, too many entries or names")
    func bounded() {
        let names = Array(repeating: "\"mount\"", count: ProfileFile.maxNamesPerEntry + 1).joined(separator: ",")
        let entry = #"{"names": ["mount"], "action": "SCMP_ACT_ALLOW"}"#
        for (text, reason) in [
            (String(repeating: " ", count: ProfileFile.maxBytes + 1) + "{}", "larger than 65536 bytes"),
            (#"{"syscalls": [{"names": [\#(names)], "action": "SCMP_ACT_ALLOW"}]}"#, "syscalls[0]: more than 512 names"),
            (#"{"syscalls": [\#(Array(repeating: entry, count: ProfileFile.maxEntries + 1).joined(separator: ","))]}"#, "more than 256 entries"),
        ] {
            #expect(throws: SeccompError.badProfile(path: "extra.json", reason: reason)) { try parse(text) }
        }
    }
}
