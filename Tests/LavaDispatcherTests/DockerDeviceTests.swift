import Foundation
import LavaDispatcher
import LavaTestSupport
import Testing

@Suite struct DockerDeviceTests {
    /// The configuration LAVA 2023.01's server sent for a docker device (spec captures).
    static func capturedDevice() throws -> String {
        let url = PackageFiles.root.deletingLastPathComponent().appendingPathComponent("shared/spec/captures-2023.01/GET-internal-v1-jobs-ID.response.json")
        struct Answer: Decodable { var device: String }
        return try JSONDecoder().decode(Answer.self, from: Data(contentsOf: url)).device
    }

    @Test("the complete configuration LAVA renders for a docker device is read: no limits, nothing mounted")
    func completeConfiguration() throws {
        let device = try DockerDevice(yaml: try Self.capturedDevice(), jobDeviceType: "docker")
        #expect(device.cpus == 0)
        #expect(device.memory == 0)
        #expect(!device.privileged)
        #expect(device.volumes.isEmpty && device.devices.isEmpty && device.capabilities.isEmpty)
    }

    @Test("docker memory as bytes or with docker's units", arguments: [("536870912", 536_870_912), ("512m", 512 << 20), ("2G", 2 << 30), ("64k", 64 << 10), ("''", 0)])
    func memory(_ text: String, _ bytes: Int) throws {
        let device = try DockerDevice(yaml: "actions: {boot: {methods: {docker: {options: {memory: \(text)}}}}}", jobDeviceType: "docker")
        #expect(device.memory == bytes)
    }

    @Test("a memory that is not a size is a configuration error naming it", arguments: ["lots", "12x", "-5m", "99999999999999999999g"])
    func badMemory(_ text: String) {
        #expect {
            try DockerDevice(yaml: "actions: {boot: {methods: {docker: {options: {memory: '\(text)'}}}}}", jobDeviceType: "docker")
        } throws: { "\($0)".contains("'\(text)'") }
    }
}
