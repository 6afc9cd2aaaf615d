import NIOCore

/// An IPv4 or IPv6 network in CIDR form, for the auto-registration netmask.
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    let address: [UInt8]
    let prefixLength: Int

    public static let loopbackV4 = IPNetwork(address: [127, 0, 0, 0], prefixLength: 8)
    public static let loopbackV6 = IPNetwork(address: Array(repeating: 0, count: 15) + [1], prefixLength: 128)

    init(address: [UInt8], prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }

    /// "10.0.0.0/8", "::1", "192.168.1.7".
    public init(parsing text: String) throws(ServerSetupError) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let host = parts.first, let bytes = Self.bytes(String(host)) else {
            throw ServerSetupError("'\(text)' is not a network: write an address with an optional /prefix, e.g. 10.0.0.0/8 or ::1")
        }
        let length = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
        guard let length, (0...bytes.count * 8).contains(length) else {
            throw ServerSetupError("'\(text)': the prefix length must be 0 to \(bytes.count * 8)")
        }
        self.init(address: bytes, prefixLength: length)
    }

    public func contains(_ peer: String) -> Bool {
        guard var bytes = Self.bytes(peer) else { return false }
        // An IPv4 peer seen on an IPv6 socket arrives as ::ffff:a.b.c.d.
        if bytes.count == 16, address.count == 4, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            bytes = Array(bytes[12...])
        }
        guard bytes.count == address.count else { return false }
        var remaining = prefixLength
        for (mine, theirs) in zip(address, bytes) where remaining > 0 {
            let bits = min(remaining, 8)
            let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
            if mine & mask != theirs & mask { return false }
            remaining -= bits
        }
        return true
    }

    public var description: String {
        let text = (try? SocketAddress(packedIPAddress: ByteBuffer(bytes: address), port: 0).ipAddress) ?? nil
        return "\(text ?? "?")/\(prefixLength)"
    }

    private static func bytes(_ text: String) -> [UInt8]? {
        guard let socket = try? SocketAddress(ipAddress: text, port: 0) else { return nil }
        switch socket {
        case .v4(let v4):
            return withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
        case .v6(let v6):
            return withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        default:
            return nil
        }
    }
}
