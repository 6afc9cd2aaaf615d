#if canImport(Glibc)
import Glibc
#endif

/// Which worker image runs a server version (spec §8.3). LAVA's rule by default: a release
/// (`2026.11`, `2022.01.3`) is `lavasoftware/lava-dispatcher:<version>`; a development build
/// (`2026.07.dev0028`) comes from LAVA's GitLab registry for this machine's architecture. With
/// `--image`, a template where `{version}` stands for the version.
public struct ImageName: Sendable, Equatable {
    public let template: String?
    public let architecture: String

    public init(template: String? = nil, architecture: String = ImageName.machine()) {
        self.template = template
        self.architecture = architecture
    }

    public func image(for version: String) throws(SupervisorError) -> String {
        if let template { return template.replacingOccurrences(of: "{version}", with: version) }
        if Self.isRelease(version) { return "lavasoftware/lava-dispatcher:\(version)" }
        let tag = version.replacingOccurrences(of: "+", with: ".")
        guard ["amd64", "aarch64"].contains(architecture) else {
            throw .unsupportedArchitecture(architecture)
        }
        return "registry.gitlab.com/lava/lava/\(architecture)/lava-dispatcher:\(tag)"
    }

    /// Whether `template` names an image for every server version: it has `{version}`, and with
    /// a version in its place it is a Docker reference by the grammar of Docker's own parser
    /// (distribution/reference), digest aside since a digest pins one version.
    public static func isValidTemplate(_ template: String) -> Bool {
        guard template.contains("{version}") else { return false }
        let component = #"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"#
        let label = #"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"#
        let host = #"(?:\#(label)(?:\.\#(label))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"#
        let tag = #"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"#
        // A constant pattern: it compiles, or every test of this function fails.
        let reference = try! Regex(#"(?:\#(host)/)?\#(component)(?:/\#(component))*(?::\#(tag))?"#)
        return template.replacingOccurrences(of: "{version}", with: "2026.11").wholeMatch(of: reference) != nil
    }

    /// `^\d+\.\d+(\.\d+)?$`
    static func isRelease(_ version: String) -> Bool {
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        return (2 ... 3).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }

    /// LAVA's names for the machine: x86_64 → amd64, aarch64 stays.
    public static func machine() -> String {
        var name = utsname()
        uname(&name)
        let machine = withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return machine == "x86_64" ? "amd64" : machine
    }
}
