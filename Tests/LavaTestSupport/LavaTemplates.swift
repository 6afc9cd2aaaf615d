import Foundation

/// Debian's lava-server 2023.01 device-type templates (363 `.jinja2` files), which
/// scripts/lava-templates.sh extracts for the tests and scripts/test.sh names in
/// LAVA_TEST_DEVICE_TYPES. Never committed: LAVA's licence is not ours.
public enum LavaTemplates {
    public static let variable = "LAVA_TEST_DEVICE_TYPES"

    /// The directory, or nil outside CI when the variable is unset (the tests that need it are
    /// then not run); under CI a missing directory is a failure.
    public static func directory() throws -> URL? {
        let environment = ProcessInfo.processInfo.environment
        guard let path = environment[variable], !path.isEmpty else {
            if environment["CI"] == "true" { throw TestFailure("\(variable) is not set: run the tests through scripts/test.sh") }
            return nil
        }
        let url = URL(fileURLWithPath: path, isDirectory: true)
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("base.jinja2").path) else {
            throw TestFailure("\(variable)=\(path) holds no base.jinja2: not LAVA's device-types directory")
        }
        return url
    }

    public static var isAvailable: Bool {
        (try? directory()) != nil || ProcessInfo.processInfo.environment["CI"] == "true"
    }
}
