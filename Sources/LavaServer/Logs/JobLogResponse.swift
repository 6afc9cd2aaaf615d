import Hummingbird
import NIOPosix

/// A job's stored records `start..<end` as they are in `output.yaml`, streamed from the file: a
/// log may be far larger than memory should hold. For the REST API's `logs` and the pages'
/// plain log alike.
enum JobLogResponse {
    /// Nil when the job has no log yet. `headers` get the body's Content-Length added.
    static func make(
        _ logs: JobLogStorage, job: JobRecord, start: Int = 0, end: Int? = nil, headers: HTTPFields, context: some RequestContext
    ) async throws -> Response? {
        let location = try await NIOThreadPool.singleton.runIfActive {
            try logs.byteRange(jobID: job.id, submitTime: job.submitTime, start: start, end: end)
        }
        guard let (path, bytes) = location else { return nil }
        var headers = headers
        headers[.contentLength] = String(bytes.count)
        guard let last = bytes.last else { return Response(status: .ok, headers: headers) }
        let body = try await FileIO().loadFile(path: path, range: bytes.lowerBound...last, context: context)
        return Response(status: .ok, headers: headers, body: body)
    }
}
