/// A bind mount of the worker container, `SOURCE[:DESTINATION[:OPTIONS]]` as `--mount` takes it;
/// the destination is the source unless given, so paths mean the same inside and outside.
public struct WorkerMount: Sendable, Equatable {
    public var source: String
    public var destination: String
    public var readOnly: Bool

    public init(source: String, destination: String? = nil, readOnly: Bool = false) {
        self.source = source
        self.destination = destination ?? source
        self.readOnly = readOnly
    }

    /// nil when `text` is not `SOURCE[:DESTINATION[:ro|rw]]` with absolute paths.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1 ... 3).contains(parts.count), parts[0].hasPrefix("/") else { return nil }
        let destination = parts.count > 1 && !parts[1].isEmpty ? parts[1] : parts[0]
        guard destination.hasPrefix("/") else { return nil }
        let options = parts.count > 2 ? parts[2] : ""
        guard ["", "ro", "rw"].contains(options) else { return nil }
        self.init(source: parts[0], destination: destination, readOnly: options == "ro")
    }

    /// The engine's `Binds` entry.
    var bind: String { "\(source):\(destination)" + (readOnly ? ":ro" : "") }
}
