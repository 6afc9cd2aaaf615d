import Foundation

/// The seccomp profile of a device-under-test container that lava-run creates through the
/// engine and that is not privileged (the engine applies none to a privileged one). A profile
/// given to the engine replaces its default rather than adding to it, so this is Docker's own
/// default allowlist with the worker's denials taken out of it: they fail with EPERM even where
/// the device adds the capability Docker would let them through for. An admin's `--seccomp
/// FILE` changes it as it changes the worker's.
public enum DeviceProfile {
    /// The `HostConfig.SecurityOpt` entry (`seccomp=<JSON>`, as the docker CLI sends a file's
    /// text); nil when off, which leaves the engine's default.
    public static func securityOption(_ setting: SeccompSetting) throws(SeccompError) -> String? {
        let file: ProfileFile?
        switch setting {
        case .off: return nil
        case .standard: file = nil
        case .file(let path): file = try ProfileFile.read(path)
        }
        let profile = try profile(changedBy: file)
        guard let data = try? JSONSerialization.data(withJSONObject: profile, options: [.sortedKeys]) else {
            throw .badProfile(path: "the device profile", reason: "cannot be written as JSON")
        }
        return "seccomp=" + String(decoding: data, as: UTF8.self)
    }

    /// Docker's default minus the worker's unconditional denials, then `file`'s changes.
    static func profile(changedBy file: ProfileFile?) throws(SeccompError) -> [String: Any] {
        guard var profile = (try? JSONSerialization.jsonObject(with: Data(dockerDefault.utf8))) as? [String: Any],
              var entries = profile["syscalls"] as? [[String: Any]] else {
            throw .badProfile(path: "Docker's default profile", reason: "not the format of moby's default.json")
        }
        // personality's rule tests its argument: Docker's own entries for it already allow
        // only personas without ADDR_NO_RANDOMIZE.
        let denied = HostProtection.worker.rules.filter { $0.conditions.isEmpty }.map(\.syscall)
        entries = withoutAllowing(denied, entries)
        for change in file?.changes ?? [] {
            switch change {
            case .allow(let names):
                entries.append(["names": names, "action": "SCMP_ACT_ALLOW"])
            case .deny(let names, let errno):
                entries = withoutAllowing(names, entries)
                entries.append(["names": names, "action": "SCMP_ACT_ERRNO", "errnoRet": Int(errno)])
            }
        }
        profile["syscalls"] = entries
        return profile
    }

    /// `entries` with `names` out of every entry that allows them; an entry left with no name goes.
    private static func withoutAllowing(_ names: [String], _ entries: [[String: Any]]) -> [[String: Any]] {
        let removed = Set(names)
        return entries.compactMap { entry in
            guard entry["action"] as? String == "SCMP_ACT_ALLOW", let listed = entry["names"] as? [String] else { return entry }
            var entry = entry
            let kept = listed.filter { !removed.contains($0) }
            guard !kept.isEmpty else { return nil }
            entry["names"] = kept
            return entry
        }
    }
}
