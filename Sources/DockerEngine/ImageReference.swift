/// An image reference cut into repository and tag or digest, as the pull, push and tag calls
/// want them: `127.0.0.1:5000/lava/worker:1.0` is `127.0.0.1:5000/lava/worker` + `1.0`.
struct ImageReference: Sendable, Equatable {
    var repository: String
    /// A tag, or a digest (`sha256:...`) when the reference has `@`.
    var tag: String

    init(_ reference: String) {
        if let at = reference.firstIndex(of: "@") {
            repository = String(reference[..<at])
            tag = String(reference[reference.index(after: at)...])
            return
        }
        // A colon after the last slash is a tag; before it, a registry port.
        let lastSlash = reference.lastIndex(of: "/") ?? reference.startIndex
        if let colon = reference[lastSlash...].lastIndex(of: ":") {
            repository = String(reference[..<colon])
            tag = String(reference[reference.index(after: colon)...])
        } else {
            repository = reference
            // The engine pulls every tag of a repository when none is given; `latest` is meant.
            tag = "latest"
        }
    }
}
