import CCurl
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

// Why WebSocket by hand over libcurl: the worker binaries must stay free of SwiftNIO, which rules
// out every listed WebSocket client (hummingbird-websocket, swift-websocket, websocket-kit), and
// Debian bookworm's libcurl 7.88 is built without its (then experimental) WebSocket support. So
// libcurl only opens the connection (CURLOPT_CONNECT_ONLY: TCP or the unix socket, any proxy
// tunnel, TLS with the session's CA file), and the upgrade and RFC 6455's framing go over
// curl_easy_send and curl_easy_recv.

/// What ends a connection's waits from outside its queue: the caller's cancellation or `close()`.
/// A pipe whose read end poll() watches beside the socket, so a blocked receive ends at once.
final class WebSocketWake: Sendable {
    enum Reason: Sendable, Equatable {
        case cancelled
        case closed
    }

    /// The read end, for poll().
    let descriptor: Int32
    private let writeEnd: Int32
    private let reason = Mutex<Reason?>(nil)

    init() throws(WebSocketError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            throw WebSocketError(.connection(code: -1), "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        descriptor = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        Glibc.close(descriptor)
        Glibc.close(writeEnd)
    }

    /// The first reason given wins; the pipe stays readable from then on.
    func ring(_ why: Reason) {
        let first = reason.withLock { reason -> Bool in
            guard reason == nil else { return false }
            reason = why
            return true
        }
        if first {
            var byte: UInt8 = 1
            _ = write(writeEnd, &byte, 1)
        }
    }

    var rung: Reason? { reason.withLock { $0 } }
}

/// One libcurl easy handle holding an open connection; used only on its connection's queue.
final class WebSocketTransport {
    private let handle: UnsafeMutableRawPointer
    private let socket: Int32
    private let wake: WebSocketWake

    private init(handle: UnsafeMutableRawPointer, socket: Int32, wake: WebSocketWake) {
        self.handle = handle
        self.socket = socket
        self.wake = wake
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    /// Connects to `url` (http:// or https://) as `configuration` says, blocking. A `wake` rung
    /// meanwhile aborts at libcurl's next progress call (about a second at most).
    static func open(_ url: String, configuration: CurlConfiguration, wake: WebSocketWake) throws(WebSocketError) -> WebSocketTransport {
        CurlGlobal.initialise()
        guard let handle = curl_easy_init() else { throw WebSocketError(.connection(code: -1), "libcurl could not create a handle (out of memory?)") }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let context = Unmanaged.passUnretained(wake).toOpaque()
        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errors in
            lava_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errors.baseAddress)
            lava_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
            lava_curl_setopt_string(handle, CURLOPT_URL, url)
            lava_curl_setopt_long(handle, CURLOPT_CONNECT_ONLY, 1)
            // Through a proxy, only a CONNECT tunnel carries an upgraded connection.
            lava_curl_setopt_long(handle, CURLOPT_HTTPPROXYTUNNEL, 1)
            lava_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(configuration.connectTimeout))
            lava_curl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
            if let caFile = configuration.caFile { lava_curl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
            if let path = configuration.unixSocketPath { lava_curl_setopt_string(handle, CURLOPT_UNIX_SOCKET_PATH, path) }
            lava_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
            lava_curl_setopt_xferinfo(handle, { context, _, _, _, _ in
                guard let context else { return 0 }
                return Unmanaged<WebSocketWake>.fromOpaque(context).takeUnretainedValue().rung == nil ? 0 : 1
            })
            lava_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context)
            let code = curl_easy_perform(handle)
            lava_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, nil)
            return code
        }
        guard code == CURLE_OK else {
            curl_easy_cleanup(handle)
            if code == CURLE_ABORTED_BY_CALLBACK || wake.rung != nil { throw .cancelled }
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let error = CurlError(code, detail: detail)
            throw WebSocketError(error.isTimeout ? .timedOut : .connection(code: Int(code.rawValue)), "cannot connect to \(url): \(error)")
        }
        var socket: curl_socket_t = -1
        guard lava_curl_getinfo_socket(handle, &socket) == CURLE_OK, socket >= 0 else {
            curl_easy_cleanup(handle)
            throw WebSocketError(.connection(code: -1), "libcurl connected to \(url) but has no socket for it")
        }
        return WebSocketTransport(handle: handle, socket: socket, wake: wake)
    }

    enum Wait: Equatable {
        case ready
        case deadline
        case woken
    }

    /// Sends all of `bytes`, waiting for room until `deadline`.
    func send(_ bytes: [UInt8], until deadline: ContinuousClock.Instant) throws(WebSocketError) {
        var offset = 0
        while offset < bytes.count {
            var sent = 0
            let code = bytes[offset...].withUnsafeBytes { curl_easy_send(handle, $0.baseAddress, $0.count, &sent) }
            switch code {
            case CURLE_OK:
                offset += sent
            case CURLE_AGAIN:
                switch try wait(for: Int16(POLLOUT), until: deadline) {
                case .ready: continue
                case .deadline: throw WebSocketError(.timedOut, "the server takes nothing more: the connection is stuck")
                case .woken: throw wakeError
                }
            default:
                throw WebSocketError(.connection(code: Int(code.rawValue)), "the connection broke while sending: \(String(cString: curl_easy_strerror(code)))")
            }
        }
    }

    /// One attempt to send `bytes` without waiting (a close frame on the way out: after a
    /// cancellation nothing may wait for the server).
    func sendOnce(_ bytes: [UInt8]) {
        var sent = 0
        _ = bytes.withUnsafeBytes { curl_easy_send(handle, $0.baseAddress, $0.count, &sent) }
    }

    /// What a receive got.
    enum Received: Equatable {
        case bytes([UInt8])
        /// The server closed the connection.
        case end
        case deadline
        case woken
    }

    /// The bytes that arrive next, waiting until `deadline`. libcurl is asked before poll() is,
    /// since TLS may hold bytes already read from the socket.
    func receive(until deadline: ContinuousClock.Instant) throws(WebSocketError) -> Received {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if wake.rung != nil { return .woken }
            var count = 0
            let code = chunk.withUnsafeMutableBytes { curl_easy_recv(handle, $0.baseAddress, $0.count, &count) }
            switch code {
            case CURLE_OK:
                return count == 0 ? .end : .bytes(Array(chunk.prefix(count)))
            case CURLE_AGAIN:
                switch try wait(for: Int16(POLLIN), until: deadline) {
                case .ready: continue
                case .deadline: return .deadline
                case .woken: return .woken
                }
            default:
                throw WebSocketError(.connection(code: Int(code.rawValue)), "the connection broke: \(String(cString: curl_easy_strerror(code)))")
            }
        }
    }

    /// poll() on the socket and the wake, until `deadline`.
    private func wait(for events: Int16, until deadline: ContinuousClock.Instant) throws(WebSocketError) -> Wait {
        while true {
            if wake.rung != nil { return .woken }
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return .deadline }
            // Rounded up, so a wait never ends just before its deadline and spins.
            let timeout = Int32(clamping: (milliseconds(left) + 1))
            var descriptors = [pollfd(fd: socket, events: events, revents: 0), pollfd(fd: wake.descriptor, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&descriptors, 2, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                throw WebSocketError(.connection(code: -1), "poll() failed: \(String(cString: strerror(errno)))")
            }
            if descriptors[1].revents != 0 { return .woken }
            // An error or hang-up is for libcurl's next call to report.
            if descriptors[0].revents != 0 { return .ready }
        }
    }

    private var wakeError: WebSocketError {
        wake.rung == .closed ? WebSocketError(.connection(code: -1), "the connection was closed") : .cancelled
    }
}

private func milliseconds(_ duration: Duration) -> Int {
    let (seconds, attoseconds) = duration.components
    return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
}
