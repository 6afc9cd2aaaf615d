import Foundation

/// One file or directory name taken from untrusted input (a request, a log record, a job
/// definition). Checked once here so that joining it to a directory can only name an entry of
/// that directory: never empty, `.` or `..`, no `/`, no NUL, at most `NAME_MAX` bytes.
public struct PathComponent: Sendable, Equatable, CustomStringConvertible {
    public let name: String

    /// Linux's `NAME_MAX`: a longer name cannot be created anyway.
    public static let maxBytes = 255

    public init(_ name: String) throws(PathComponentError) {
        guard !name.isEmpty else { throw PathComponentError(name: name, reason: "it is empty") }
        guard name != ".", name != ".." else { throw PathComponentError(name: name, reason: "'.' and '..' name no file of their own") }
        guard !name.utf8.contains(UInt8(ascii: "/")) else { throw PathComponentError(name: name, reason: "it contains '/'") }
        guard !name.utf8.contains(0) else { throw PathComponentError(name: name, reason: "it contains a NUL byte") }
        guard name.utf8.count <= Self.maxBytes else {
            throw PathComponentError(name: name, reason: "it is longer than \(Self.maxBytes) bytes")
        }
        self.name = name
    }

    public var description: String { name }
}

/// Why a name from outside cannot be used as a file name.
public struct PathComponentError: Error, Sendable, Equatable, CustomStringConvertible {
    public let name: String
    public let reason: String

    public var description: String {
        // The name is cut and escaped: it came from outside and goes into an error text.
        let shown = String(name.unicodeScalars.prefix(80).map { $0.escaped(asASCII: true) }.joined())
        return "'\(shown)' cannot be used as a file name: \(reason)"
    }
}

extension URL {
    /// `self/<component>`: the one way this project joins a name from outside to a directory.
    public func appending(_ component: PathComponent, isDirectory: Bool = false) -> URL {
        appendingPathComponent(component.name, isDirectory: isDirectory)
    }
}
