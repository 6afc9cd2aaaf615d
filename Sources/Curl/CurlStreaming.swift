import Foundation

/// The status and headers of a response, known before its body arrives.
public struct CurlResponseHead: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]

    /// The first header of that name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

extension CurlSession {
    /// Runs `request` and hands its body to `onData` chunk by chunk as it arrives (pull progress,
    /// followed logs, event streams), after `onHead` has seen the status and headers.
    ///
    /// There is no total timeout unless `request.timeout` sets one (streams may last for hours);
    /// the connect timeout still applies. Cancelling the calling Task throws `CurlError.cancelled`
    /// at once and aborts the transfer in the background; no handler is called once the
    /// cancellation is seen, though one under way may still finish. Both handlers run on
    /// the session's queue, one call at a time, so they must not block. Like `perform`, a session
    /// runs one request at a time: give a long stream its own session.
    @discardableResult
    public func stream(
        _ request: CurlRequest,
        onHead: @escaping @Sendable (CurlResponseHead) -> Void = { _ in },
        onData: @escaping @Sendable ([UInt8]) -> Void
    ) async throws(CurlError) -> CurlResponseHead {
        let sink = StreamSink(onHead: onHead, onData: onData)
        let status = try await run(request, timeout: request.timeout ?? .zero, sink: sink).get()
        return CurlResponseHead(status: status, headers: sink.headers)
    }
}

/// Forwards a transfer to the caller's handlers.
private final class StreamSink: TransferSink, @unchecked Sendable {
    private let onHead: @Sendable (CurlResponseHead) -> Void
    private let onData: @Sendable ([UInt8]) -> Void
    private var headSent = false

    init(onHead: @escaping @Sendable (CurlResponseHead) -> Void, onData: @escaping @Sendable ([UInt8]) -> Void) {
        self.onHead = onHead
        self.onData = onData
    }

    override func headersComplete() {
        headSent = true
        onHead(CurlResponseHead(status: status, headers: headers))
    }

    override func receive(_ bytes: UnsafeRawBufferPointer) {
        // A body without a header block (HTTP/0.9-like) still gets its head first.
        if !headSent { headersComplete() }
        onData(Array(bytes))
    }
}
