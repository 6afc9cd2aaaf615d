import Foundation
import LavaCore
import LavaTestSupport

/// The built `lava-server` binary, run as an admin would run it.
struct ServerProcess {
    /// Beside the test bundle in the build directory, or LAVA_SERVER_BINARY.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["LAVA_SERVER_BINARY"] { return URL(fileURLWithPath: path) }
        return BuiltProgram.path("lava-server")
    }

    /// Runs a command to completion and returns its exit status and standard output.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, output: String, error: String) {
        try await BuiltProgram.run(binary, arguments, environment: environment)
    }

    /// Starts a long-running command (serve, scheduler) with its output discarded.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits, for at most 10 s, until a server on `port` answers `/health`.
    static func waitForHealth(port: Int) async throws {
        for _ in 0..<100 {
            if (try? await get(port: port, "/health"))?.status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CaptureError("no server answered on 127.0.0.1:\(port) within 10 s")
    }

    /// GET `path` from a server on loopback.
    static func get(port: Int, _ path: String, headers: [String] = []) async throws -> (status: Int, body: String) {
        let head = (["GET \(path) HTTP/1.1", "Host: 127.0.0.1:\(port)", "Connection: close"] + headers).joined(separator: "\r\n")
        return try await RawHTTP.exchange(port: port, Array((head + "\r\n\r\n").utf8))
    }

    /// POST a form, as workers send them, to a server on loopback.
    static func postForm(port: Int, _ path: String, _ fields: [(String, String)], headers: [String] = []) async throws -> (status: Int, body: String) {
        let form = FormEncoding.encode(fields)
        let head = (["POST \(path) HTTP/1.1", "Host: 127.0.0.1:\(port)", "Connection: close",
                     "Content-Type: application/x-www-form-urlencoded", "Content-Length: \(form.utf8.count)"] + headers).joined(separator: "\r\n")
        return try await RawHTTP.exchange(port: port, Array((head + "\r\n\r\n" + form).utf8))
    }

    /// POST a JSON body to a server on loopback.
    static func post(port: Int, _ path: String, json: String, headers: [String] = []) async throws -> (status: Int, body: String) {
        let head = (["POST \(path) HTTP/1.1", "Host: 127.0.0.1:\(port)", "Connection: close",
                     "Content-Type: application/json", "Content-Length: \(json.utf8.count)"] + headers).joined(separator: "\r\n")
        return try await RawHTTP.exchange(port: port, Array((head + "\r\n\r\n" + json).utf8))
    }
}
