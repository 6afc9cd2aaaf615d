import CCurl
import Dispatch
import Foundation

/// An HTTP client on one libcurl easy handle: requests run one at a time on the session's own
/// queue (never on Swift's cooperative threads, since libcurl blocks), and the handle keeps its
/// connections alive between them.
public final class CurlSession: @unchecked Sendable {
    // @unchecked: `handle` is only touched on `queue`.
    private let handle: UnsafeMutableRawPointer
    let queue = DispatchQueue(label: "lava.curl.session")
    public let configuration: CurlConfiguration

    public init(configuration: CurlConfiguration) throws(CurlError) {
        CurlGlobal.initialise()
        guard let handle = curl_easy_init() else { throw CurlError(message: "libcurl could not create a handle (out of memory?)") }
        self.handle = handle
        self.configuration = configuration
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    /// Runs `request` and collects its whole response. Cancelling the calling task throws
    /// `CurlError.cancelled` at once, whether the request runs or waits for the session; a
    /// running transfer is aborted in the background, at libcurl's next callback (a second at
    /// most), and the session's next request waits for that.
    public func perform(_ request: CurlRequest) async throws(CurlError) -> CurlResponse {
        let sink = ResponseSink()
        let status = try await run(request, timeout: request.timeout ?? configuration.timeout, sink: sink).get()
        return CurlResponse(status: status, headers: sink.headers, body: sink.body)
    }

    /// Runs one transfer on the session's queue. The calling task's cancellation resumes the
    /// caller at once and aborts the transfer, running or waiting for the queue; the queue (which
    /// keeps `self` and `sink` alive) stays busy until libcurl has let go of it.
    func run(_ request: CurlRequest, timeout: Duration, sink: TransferSink) async -> Result<Int, CurlError> {
        let waiter = TransferWaiter()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiter.wait(continuation)
                queue.async {
                    guard waiter.start() else { return }
                    waiter.finish(self.transfer(request, timeout: timeout, sink: sink))
                }
            }
        } onCancel: {
            sink.abort()
            waiter.cancel()
        }
    }

    /// Runs one transfer on the calling thread (always `queue`) and returns the HTTP status.
    /// `timeout` zero means none.
    func transfer(_ request: CurlRequest, timeout: Duration, sink: TransferSink) -> Result<Int, CurlError> {
        dispatchPrecondition(condition: .onQueue(queue))
        // Cancelled while it waited behind another request of this session.
        if sink.isAborted { return .failure(.cancelled) }
        curl_easy_reset(handle)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }

        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errors in
            lava_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errors.baseAddress)
            lava_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
            lava_curl_setopt_string(handle, CURLOPT_URL, request.url)
            lava_curl_setopt_string(handle, CURLOPT_USERAGENT, configuration.userAgent)
            lava_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(timeout))
            lava_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout))
            lava_curl_setopt_long(handle, CURLOPT_MAXAGE_CONN, Self.milliseconds(configuration.keepAlive) / 1000)
            lava_curl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
            if let caFile = configuration.caFile { lava_curl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
            if let socket = configuration.unixSocketPath { lava_curl_setopt_string(handle, CURLOPT_UNIX_SOCKET_PATH, socket) }

            switch request.method {
            case .get: break
            case .head: lava_curl_setopt_long(handle, CURLOPT_NOBODY, 1)
            case .post: lava_curl_setopt_long(handle, CURLOPT_POST, 1)
            case .put, .delete: lava_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method.rawValue)
            }
            let body = request.body ?? (request.method == .post ? [] : nil)
            if let body {
                lava_curl_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                body.withUnsafeBufferPointer { bytes in
                    // COPYPOSTFIELDS: libcurl keeps its own copy, so `body` need not outlive this call.
                    bytes.withMemoryRebound(to: CChar.self) { chars in
                        _ = lava_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: chars.baseAddress))
                    }
                }
            }
            // An empty `Expect:` stops libcurl from waiting for 100-continue on large bodies.
            for line in request.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
                headerList = curl_slist_append(headerList, line)
            }
            lava_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
            // Returning less than was given aborts the transfer: a cancelled caller, already
            // resumed, is handed nothing more.
            lava_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, { data, size, count, context in
                guard let data, let context else { return 0 }
                let sink = Unmanaged<TransferSink>.fromOpaque(context).takeUnretainedValue()
                if sink.isAborted { return 0 }
                sink.receive(UnsafeRawBufferPointer(start: data, count: size * count))
                return size * count
            })
            lava_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
            lava_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, { data, size, count, context in
                guard let data, let context else { return 0 }
                let sink = Unmanaged<TransferSink>.fromOpaque(context).takeUnretainedValue()
                if sink.isAborted { return 0 }
                sink.headerLine(String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self))
                return size * count
            })
            lava_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
            // libcurl calls this about once a second even while the connection is idle, so a
            // cancelled transfer stops within a second even when nothing arrives.
            lava_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
            lava_curl_setopt_xferinfo(handle, { context, _, _, _, _ in
                guard let context else { return 0 }
                return Unmanaged<TransferSink>.fromOpaque(context).takeUnretainedValue().isAborted ? 1 : 0
            })
            lava_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context)
            return curl_easy_perform(handle)
        }
        // A callback that refused its data (CURLE_WRITE_ERROR) on an abort is a cancellation too.
        if code == CURLE_ABORTED_BY_CALLBACK || sink.isAborted { return .failure(.cancelled) }
        guard code == CURLE_OK else {
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return .failure(CurlError(code, detail: detail))
        }
        var status = 0
        lava_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(status)
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}

/// Receives one transfer's headers and body; libcurl's callbacks reach it through an opaque
/// pointer, so it is a class and subclasses decide what to do with what arrives.
/// @unchecked: libcurl calls it on the session's queue during the transfer; it is read after,
/// and `aborted` is guarded by its lock (set by whichever thread cancels the task).
class TransferSink: @unchecked Sendable {
    private(set) var headers: [(name: String, value: String)] = []
    private(set) var status = 0
    private let lock = NSLock()
    private var aborted = false

    /// The calling task was cancelled: the transfer stops at libcurl's next call of its progress,
    /// header or write callback.
    func abort() {
        lock.withLock { aborted = true }
    }

    var isAborted: Bool { lock.withLock { aborted } }

    func headerLine(_ line: String) {
        // A new status line (after a redirect or 100-continue) starts a new header block.
        if line.hasPrefix("HTTP/") {
            headers.removeAll()
            status = line.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
            return
        }
        if line.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            // The blank line ends a block; interim (1xx) answers are followed by the real one.
            if status >= 200 { headersComplete() }
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    func headersComplete() {}

    func receive(_ bytes: UnsafeRawBufferPointer) {}
}

/// Collects one whole response.
private final class ResponseSink: TransferSink, @unchecked Sendable {
    var body = Data()

    override func receive(_ bytes: UnsafeRawBufferPointer) {
        body.append(contentsOf: bytes)
    }
}

/// libcurl's process-wide set-up, done once before the first handle (it is not thread-safe to
/// repeat).
enum CurlGlobal {
    private static let done: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    static func initialise() {
        _ = done
    }
}
