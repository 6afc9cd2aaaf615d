import Foundation

/// The address a request came from. `X-Forwarded-For` is anyone's to write, so it is believed
/// only when the peer is one of the configured proxies, and then only up to the first address
/// (from the right) that is not a proxy: a client cannot pose as a network by sending the header
/// itself, or through a trusted proxy that appends to what the client sent.
enum ClientAddress {
    /// - Parameters:
    ///   - peer: the TCP peer's address.
    ///   - forwardedFor: every `X-Forwarded-For` value of the request, in order.
    ///   - trustedProxies: `--trusted-proxy` networks.
    static func resolve(peer: String?, forwardedFor: [String], trustedProxies: [IPNetwork]) -> String? {
        guard let peer else { return nil }
        guard isTrusted(peer, trustedProxies) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var client = peer
        for hop in hops.reversed() {
            // A trusted proxy that names no one: no address to believe.
            guard !hop.isEmpty else { return nil }
            client = hop
            guard isTrusted(hop, trustedProxies) else { break }
        }
        return client
    }

    private static func isTrusted(_ address: String, _ proxies: [IPNetwork]) -> Bool {
        proxies.contains { $0.contains(address) }
    }
}
