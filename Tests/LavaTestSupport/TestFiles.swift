import Foundation
import Testing

/// A fresh directory under the system temp dir, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("lava-dispatcher-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }

    public func write(_ text: String, to path: String) throws {
        let file = url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }
}

/// Runs a command to completion and returns its combined stdout and stderr.
@discardableResult
public func shell(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
           expectSuccess: Bool = true) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let output = String(decoding: data, as: UTF8.self)
    if expectSuccess, process.terminationStatus != 0 {
        Issue.record("\(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): \(output)")
    }
    return (process.terminationStatus, output)
}

/// Builds ustar archives member by member, so tests can make archives `tar` itself refuses to
/// create (`../evil`, links leading outside).
public struct TarBuilder: Sendable {
    public private(set) var data = Data()

    public init() {}

    public mutating func file(_ name: String, _ content: String) {
        member(type: "0", name: name, payload: Array(content.utf8))
    }

    /// One header exactly as given, then `payload` padded to whole blocks: for crafting pax
    /// ('x', 'g') and GNU ('L', 'K') headers, odd types, and size fields that lie (`size`, or
    /// `sizeField` as raw bytes: octal text, GNU base-256, garbage).
    public mutating func member(type: Character, name: String, payload: [UInt8] = [], size: Int? = nil,
                                sizeField: [UInt8]? = nil, link: String = "", mode: Int = 0o644) {
        header(name: name, type: type, sizeField: sizeField ?? Array(Self.octal(size ?? payload.count, width: 12).utf8),
               link: link, mode: mode)
        data.append(contentsOf: payload)
        data.append(contentsOf: [UInt8](repeating: 0, count: (512 - payload.count % 512) % 512))
    }

    /// A pax extended header ('x', for the next member) or global header ('g', for all that follow).
    public mutating func pax(_ records: [(key: String, value: String)], global: Bool = false) {
        member(type: global ? "g" : "x", name: "PaxHeaders/x", payload: records.flatMap { Self.paxRecord($0.key, $0.value) })
    }

    /// `<length> <key>=<value>\n`, the length counting its own digits.
    public static func paxRecord(_ key: String, _ value: String) -> [UInt8] {
        let body = " \(key)=\(value)\n".utf8.count
        var length = body + 1
        while String(length).count + body != length { length += 1 }
        return Array("\(length) \(key)=\(value)\n".utf8)
    }

    public mutating func directory(_ name: String) {
        header(name: name, type: "5", size: 0, link: "", mode: 0o755)
    }

    public mutating func symlink(_ name: String, to target: String) {
        header(name: name, type: "2", size: 0, link: target, mode: 0o777)
    }

    public mutating func hardlink(_ name: String, to target: String) {
        header(name: name, type: "1", size: 0, link: target, mode: 0o644)
    }

    public func finished() -> Data {
        data + Data(count: 1024)
    }

    private mutating func header(name: String, type: Character, size: Int, link: String, mode: Int) {
        header(name: name, type: type, sizeField: Array(Self.octal(size, width: 12).utf8), link: link, mode: mode)
    }

    private mutating func header(name: String, type: Character, sizeField: [UInt8], link: String, mode: Int) {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) {
            for (index, byte) in text.utf8.enumerated() { block[offset + index] = byte }
        }
        put(name, at: 0)
        put(Self.octal(mode, width: 8), at: 100)
        put(Self.octal(0, width: 8), at: 108)
        put(Self.octal(0, width: 8), at: 116)
        for (index, byte) in sizeField.prefix(12).enumerated() { block[124 + index] = byte }
        put(Self.octal(1_700_000_000, width: 12), at: 136)
        put(String(type), at: 156)
        put(link, at: 157)
        put("ustar\u{0}00", at: 257)
        put("        ", at: 148)
        let sum = block.reduce(0) { $0 + Int($1) }
        put(Self.octal(sum, width: 7), at: 148)
        data.append(contentsOf: block)
    }

    private static func octal(_ value: Int, width: Int) -> String {
        let digits = String(value, radix: 8)
        return String(repeating: "0", count: width - 1 - digits.count) + digits
    }
}
