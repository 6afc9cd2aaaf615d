/// Why a device dictionary or a device-type template could not be rendered: the template's name,
/// the line, and what is wrong there.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}

/// An error found while evaluating, before the file is known; `Located` adds file and line.
struct RenderFailure: Error {
    let message: String
    /// Set once the failure passed through the node it happened at.
    var line: Int?
    var file: String?

    init(_ message: String) { self.message = message }
}
