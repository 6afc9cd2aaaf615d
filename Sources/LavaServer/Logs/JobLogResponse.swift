import Hummingbird

/// A job's stored records `start..<end` as they are in `output.yaml`, streamed from the store:
/// a log may be far larger than memory should hold. For the REST API's `logs` and the pages'
/// plain log alike.
enum JobLogResponse {
    /// Nil when the job has no log yet. `headers` get the body's Content-Length added.
    static func make(_ logs: any JobLogStore, job: JobRecord, start: Int = 0, end: Int? = nil, headers: HTTPFields) async throws -> Response? {
        let key = job.logKey
        guard let count = try await logs.count(key) else { return nil }
        // Lines are never changed once stored: the length counted now is what is sent.
        let lines = min(start, count)..<min(max(end ?? count, start), count)
        let length = try await logs.byteCount(key, lines: lines)
        var headers = headers
        headers[.contentLength] = String(length)
        return Response(status: .ok, headers: headers, body: ResponseBody(contentLength: length) { writer in
            try await logs.read(key, lines: lines) { bytes, _ in
                try await writer.write(ByteBuffer(bytes: bytes))
                return true
            }
            try await writer.finish(nil)
        })
    }
}
