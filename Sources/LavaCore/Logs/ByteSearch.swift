#if canImport(Glibc)
import Glibc
#endif

/// Substring tests on a log line's bytes (memchr for the first byte, memcmp for the rest): on
/// lava-run's per-line path both Foundation's `contains` and the generic `firstRange(of:)` cost
/// microseconds per line.
public enum ByteSearch {
    public static func contains(_ text: String, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        var text = text
        return text.withUTF8 { haystack in
            needle.withUnsafeBytes { pattern in
                guard let base = haystack.baseAddress, let patternBase = pattern.baseAddress, haystack.count >= pattern.count else {
                    return false
                }
                var offset = 0
                let lastStart = haystack.count - pattern.count
                while offset <= lastStart {
                    guard let hit = memchr(base + offset, Int32(first), lastStart - offset + 1) else { return false }
                    let position = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                    if memcmp(hit, patternBase, pattern.count) == 0 { return true }
                    offset = position + 1
                }
                return false
            }
        }
    }
}
