/// How a `from: url` archive is compressed (`compression:`); decompressed with the matching CLI.
public enum ArchiveCompression: String, Sendable, Equatable, CaseIterable {
    case none
    case gz
    case bz2
    case xz
    case zstd

    /// The command that writes the decompressed stream of its last argument to stdout.
    var decompressCommand: [String]? {
        switch self {
        case .none: nil
        case .gz: ["gzip", "-dc"]
        case .bz2: ["bzip2", "-dc"]
        case .xz: ["xz", "-dc"]
        case .zstd: ["zstd", "-dcq"]
        }
    }

    /// The compression a file starts with, for archives whose entry gives no `compression`
    /// (LAVA then leaves it to `tar -xf`, which detects it the same way).
    static func sniff(_ prefix: some Collection<UInt8>) -> ArchiveCompression {
        let bytes = Array(prefix.prefix(6))
        if bytes.starts(with: [0x1F, 0x8B]) { return .gz }
        if bytes.starts(with: Array("BZh".utf8)) { return .bz2 }
        if bytes.starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .xz }
        if bytes.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { return .zstd }
        return .none
    }
}
