import Foundation

/// One message of the engine's JSON progress stream (pull, push, build):
/// `{"status": "Downloading", "id": "a1b2", "progress": "[=>  ] 1MB/9MB"}`,
/// `{"stream": "Step 1/3 : FROM debian\n"}`, or `{"error": "...", "errorDetail": {...}}`.
public struct ProgressMessage: Decodable, Sendable {
    var status: String?
    var id: String?
    var progress: String?
    var stream: String?
    var error: String?

    /// What a person would want to read, or nil for machine-only messages (`aux`).
    public var humanLine: String? {
        if let error { return "error: \(error)" }
        if let stream {
            let text = stream.trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? nil : text
        }
        guard let status else { return nil }
        return [id.map { "\($0):" }, status, progress].compactMap { $0 }.joined(separator: " ")
    }
}
