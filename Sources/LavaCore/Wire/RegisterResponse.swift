/// Answer to a worker registration, `POST /scheduler/internal/v1/workers/` (spec §2.1).
public struct RegisterResponse: Codable, Sendable, Equatable {
    public var name: String
    public var token: String

    public init(name: String, token: String) {
        self.name = name
        self.token = token
    }
}

/// Answer to a log upload (spec §2.5): how many records of the request were processed.
public struct LogUploadResponse: Codable, Sendable, Equatable {
    public var lineCount: Int

    enum CodingKeys: String, CodingKey {
        case lineCount = "line_count"
    }

    public init(lineCount: Int) {
        self.lineCount = lineCount
    }
}

/// Answer to `GET /api/v0.2/system/version/` (spec §2.6).
public struct VersionResponse: Codable, Sendable, Equatable {
    public var version: String
    /// Beyond LAVA: the worker versions the server's version policy accepts besides its own,
    /// sent only when there are any (so the answer is LAVA's own otherwise, and LAVA's clients
    /// ignore the extra key). lava-docker-worker reads it to adopt a worker the server still takes.
    public var acceptedWorkerVersions: [String]?
    /// Beyond LAVA, each sent only when set (`lava-server version-policy`): the version the
    /// server runs next, whose image lava-docker-worker pulls ahead; the digest that image must
    /// have; the digest the image of `version` must have.
    public var nextVersion: String?
    public var nextDigest: String?
    public var digest: String?

    enum CodingKeys: String, CodingKey {
        case version
        case acceptedWorkerVersions = "accepted_worker_versions"
        case nextVersion = "next_version"
        case nextDigest = "next_digest"
        case digest
    }

    public init(version: String, acceptedWorkerVersions: [String]? = nil, nextVersion: String? = nil,
                nextDigest: String? = nil, digest: String? = nil) {
        self.version = version
        self.acceptedWorkerVersions = acceptedWorkerVersions
        self.nextVersion = nextVersion
        self.nextDigest = nextDigest
        self.digest = digest
    }

    /// The answer of a server at `version` with this policy and plan.
    public init(version: String, policy: VersionPolicy, plan: UpgradePlan) {
        let (next, nextDigest, digest) = plan.answer(server: version)
        self.init(version: version, acceptedWorkerVersions: policy.extraVersions(server: version), nextVersion: next,
                  nextDigest: nextDigest, digest: digest)
    }

    /// The server's rule for a worker's ping (its `VersionPolicy`, as the answer tells it).
    public func accepts(worker: String) -> Bool {
        (acceptedWorkerVersions.map { VersionPolicy.accept($0) } ?? .exact).accepts(worker: worker, server: version)
    }

    /// The digest the server expects of the image of `version` (its own or the next one), if any.
    public func expectedDigest(of version: String) -> String? {
        if version == self.version { return digest }
        return version == nextVersion ? nextDigest : nil
    }
}
