/// Beyond LAVA: the version the admin announces as the server's next one, and the worker-image
/// digests the server expects, by version (`lava-server version-policy --next/--next-digest/--digest`).
/// lava-docker-worker reads them in the version answer: it pulls the next version's image days
/// before the upgrade, and refuses an image whose registry digest is not the expected one.
public struct UpgradePlan: Sendable, Equatable {
    /// The version the servers will run next; nil when none is announced.
    public var next: String?
    /// `sha256:…` by version: only those of the server's own version and of `next` are kept.
    public var digests: [String: String]

    public init(next: String? = nil, digests: [String: String] = [:]) {
        self.next = next
        self.digests = digests
    }

    /// LAVA's version strings and Docker's tags both fit in this (a tag has at most 128 characters).
    public static let maximumVersionLength = 128

    /// What the version answer of a server at `version` says: the next version (not when it is
    /// the server's own: it has come), its digest, and the digest of the server's own version.
    public func answer(server version: String) -> (nextVersion: String?, nextDigest: String?, digest: String?) {
        let next = self.next == version ? nil : self.next
        return (next, next.flatMap { digests[$0] }, digests[version])
    }

    /// A setting of `version-policy`: kept, set, or cleared.
    public enum Change: Sendable, Equatable {
        case keep
        case set(String)
        case clear
    }

    /// The plan with the admin's changes, checked whole before anything is stored. `server` is
    /// the version of this lava-server, whose digest `--digest` sets; digests of versions that
    /// are neither it nor the next one go.
    public func changed(next: Change = .keep, nextDigest: Change = .keep, digest: Change = .keep,
                        server: String) throws(VersionPolicyError) -> UpgradePlan {
        var plan = self
        switch next {
        case .keep: break
        case .set(let version): plan.next = try Self.checked(version: version, option: "--next")
        case .clear: plan.next = nil
        }
        switch nextDigest {
        case .keep: break
        case .set(let text):
            guard let version = plan.next else {
                throw VersionPolicyError("--next-digest is the digest of the next version's image, and none is announced: "
                    + "give the version too, e.g. --next 2027.01 --next-digest sha256:<64 hex digits>")
            }
            plan.digests[version] = try Self.checked(digest: text, option: "--next-digest")
        case .clear:
            if let version = plan.next { plan.digests[version] = nil }
        }
        switch digest {
        case .keep: break
        case .set(let text): plan.digests[server] = try Self.checked(digest: text, option: "--digest")
        case .clear: plan.digests[server] = nil
        }
        // The digest of a version no longer announced (nor this server's) is no longer expected.
        plan.digests = plan.digests.filter { $0.key == server || $0.key == plan.next }
        return plan
    }

    /// A version as LAVA writes them (`2027.01`, `2026.07.dev0028`) and Docker can tag.
    public static func checked(version: String, option: String = "the version") throws(VersionPolicyError) -> String {
        let allowed = { (c: Character) in c.isASCII && (c.isLetter || c.isNumber || "._+-".contains(c)) }
        guard !version.isEmpty, version.count <= maximumVersionLength, version.allSatisfy(allowed),
              version.first.map({ $0.isLetter || $0.isNumber }) == true else {
            throw VersionPolicyError("\(option) '\(printable(version))' is not a LAVA version: write it as LAVA names its "
                + "releases, e.g. 2027.01 or 2026.07.dev0028 (letters, digits, '.', '_', '+' and '-', starting with a letter "
                + "or digit, at most \(maximumVersionLength) characters)")
        }
        return version
    }

    /// `sha256:` and 64 lowercase hex digits, as `docker images --digests` shows an image's digest.
    public static func checked(digest: String, option: String = "the digest") throws(VersionPolicyError) -> String {
        let hex = digest.dropFirst("sha256:".count)
        guard digest.hasPrefix("sha256:"), hex.count == 64, hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw VersionPolicyError("\(option) '\(printable(digest))' is not an image digest: write sha256: and its 64 lowercase "
                + "hex digits, as `docker images --digests` or `docker buildx imagetools inspect IMAGE` shows it")
        }
        return digest
    }

    /// An admin's text in an error message: control characters escaped, and not too long.
    private static func printable(_ text: String) -> String {
        let escaped = text.unicodeScalars.map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }.joined()
        return escaped.count > 80 ? String(escaped.prefix(80)) + "…" : escaped
    }

    // MARK: - Settings

    /// The stored digests: one `VERSION DIGEST` line each, sorted.
    public var digestsSetting: String {
        digests.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "\n")
    }

    /// The plan from its stored settings (empty text: nothing set). Lines that do not read are
    /// skipped, so a damaged setting costs its digest, not the version answer.
    public init(nextSetting: String?, digestsSetting: String?) {
        let next = nextSetting.flatMap { try? Self.checked(version: $0) }
        var digests: [String: String] = [:]
        for line in (digestsSetting ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let version = try? Self.checked(version: String(parts[0])),
                  let digest = try? Self.checked(digest: String(parts[1])) else { continue }
            digests[version] = digest
        }
        self.init(next: next, digests: digests)
    }

    /// For `version-policy` without arguments: one line each, nothing when nothing is set.
    public func lines(server: String) -> [String] {
        var lines: [String] = []
        if let next {
            lines.append("next version: \(next)" + (next == server ? " (this lava-server's own version)" : ""))
            if let digest = digests[next] { lines.append("next version's image digest: \(digest)") }
        }
        if let digest = digests[server], server != next { lines.append("image digest of \(server): \(digest)") }
        return lines
    }
}
