import DockerEngine

/// A worker image whose registry digest is not the one the server expects for its version
/// (`lava-server version-policy --digest/--next-digest`): the supervisor does not start it.
public struct ImageRefusal: Sendable, Equatable, CustomStringConvertible {
    public var version: String
    public var image: String
    public var expected: String
    /// The image's digests in its repository; none for an image built or loaded on this host.
    public var found: [String]

    public init(version: String, image: String, expected: String, found: [String]) {
        self.version = version
        self.image = image
        self.expected = expected
        self.found = found
    }

    /// The refusal of `info`, the local image `image` of `version`, when none of its digests in
    /// its own repository is `expected`; nil when one is.
    public static func check(_ info: ImageInfo, image: String, version: String, expected: String) -> ImageRefusal? {
        let repository = familiar(ImageProvider.repository(of: image))
        let found = info.repoDigests.compactMap { entry -> String? in
            guard let at = entry.lastIndex(of: "@"), familiar(String(entry[..<at])) == repository else { return nil }
            return String(entry[entry.index(after: at)...])
        }
        if found.contains(expected) { return nil }
        return ImageRefusal(version: version, image: image, expected: expected, found: found)
    }

    /// Docker Hub's names as the engine shows them: `docker.io/library/debian` is `debian`.
    static func familiar(_ repository: String) -> String {
        var name = repository
        for prefix in ["docker.io/", "index.docker.io/"] where name.hasPrefix(prefix) { name.removeFirst(prefix.count) }
        if name.hasPrefix("library/"), name.dropFirst("library/".count).contains("/") == false { name.removeFirst("library/".count) }
        return name
    }

    public var description: String {
        guard !found.isEmpty else {
            return "\(image) has no registry digest (it was built or loaded on this host, not pulled), and the server expects "
                + "\(expected) for \(version): push it to its registry so that lava-docker-worker pulls it, or drop the "
                + "digest on the server (lava-server version-policy --no-digest, or --no-next-digest)"
        }
        return "\(image) has the digest \(found.joined(separator: ", ")), not the \(expected) the server expects for \(version): "
            + "push the image the server expects under that tag, or correct the digest on the server "
            + "(lava-server version-policy --digest/--next-digest)"
    }
}
