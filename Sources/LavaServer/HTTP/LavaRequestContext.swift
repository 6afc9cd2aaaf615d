import Hummingbird
import NIOCore

/// Per-request context: the peer address (auto-registration checks it) and the body limit of
/// log uploads.
public struct LavaRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
