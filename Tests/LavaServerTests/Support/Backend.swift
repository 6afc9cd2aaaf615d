import Foundation
import LavaServer
import SQLKit
import Testing

/// The databases every server test runs on: SQLite always; PostgreSQL when
/// LAVA_TEST_POSTGRES_URL names one (scripts/test.sh starts it). Under CI it must.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    static let postgresVariable = "LAVA_TEST_POSTGRES_URL"

    static var all: [Backend] {
        let environment = ProcessInfo.processInfo.environment
        if environment[postgresVariable] != nil || environment["CI"] == "true" {
            return [.sqlite, .postgres]
        }
        return [.sqlite]
    }

    var testDescription: String { rawValue }
}

/// A fresh, empty database and data directory for one test, removed afterwards.
struct Scratch: Sendable {
    let backend: Backend
    let directory: URL
    let location: DatabaseLocation
    private let dropPostgres: (@Sendable () async throws -> Void)?

    static func make(_ backend: Backend) async throws -> Scratch {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lava-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        switch backend {
        case .sqlite:
            return Scratch(backend: backend, directory: directory, location: .sqlite(path: directory.appendingPathComponent("lava.sqlite3").path), dropPostgres: nil)
        case .postgres:
            guard let base = ProcessInfo.processInfo.environment[Backend.postgresVariable],
                  var components = URLComponents(string: base) else {
                throw ServerSetupError("\(Backend.postgresVariable) is not set: run the tests through scripts/test.sh, which starts PostgreSQL")
            }
            let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
            let admin = try await DatabaseLocation.postgres(url: base).open()
            try await admin.read { try await $0.raw("CREATE DATABASE \(unsafeRaw: String(name))").run() }
            components.path = "/" + name
            let url = components.string ?? base
            return Scratch(backend: backend, directory: directory, location: .postgres(url: url)) {
                try await admin.read { try await $0.raw("DROP DATABASE IF EXISTS \(unsafeRaw: String(name)) WITH (FORCE)").run() }
                await admin.close()
            }
        }
    }

    private init(backend: Backend, directory: URL, location: DatabaseLocation, dropPostgres: (@Sendable () async throws -> Void)?) {
        self.backend = backend
        self.directory = directory
        self.location = location
        self.dropPostgres = dropPostgres
    }

    func remove() async {
        try? await dropPostgres?()
        try? FileManager.default.removeItem(at: directory)
    }
}
