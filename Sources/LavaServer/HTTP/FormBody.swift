import Hummingbird
import LavaCore
import NIOCore

/// An `application/x-www-form-urlencoded` request body as name → value (`FormDecoding`).
struct FormBody: Sendable {
    let fields: [String: String]

    init(_ bytes: UnsafeRawBufferPointer) {
        fields = FormDecoding.fields(bytes)
    }

    subscript(name: String) -> String? { fields[name] }

    /// Reads the request body, refusing more than `limit` bytes with LAVA's 413.
    static func read(_ request: Request, limit: Int) async throws -> FormBody {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.tooLarge
        }
        return buffer.withUnsafeReadableBytes { FormBody($0) }
    }
}
