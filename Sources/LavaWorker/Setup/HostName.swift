#if canImport(Glibc)
import Glibc
#endif

/// The host's fully qualified name, LAVA's default worker name (Python's `socket.getfqdn()`).
public enum HostName {
    /// The kernel's host name (`gethostname`): no lookup.
    public static func local() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The canonical name of `local()`, looked up (DNS may be asked).
    public static func fullyQualified() -> String {
        let short = local()
        var hints = addrinfo()
        hints.ai_flags = AI_CANONNAME
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(short, nil, &hints, &result) == 0, let result else { return short }
        defer { freeaddrinfo(result) }
        guard let canonical = result.pointee.ai_canonname else { return short }
        let name = String(cString: canonical)
        return name.contains(".") ? name : short
    }

    /// LAVA's rule for worker names: they end up in URLs and paths.
    public static func isValidWorkerName(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }
}
