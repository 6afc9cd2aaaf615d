import DockerEngine
import Foundation
import LavaTestSupport
@testable import Seccomp
import Testing

/// The profile lava-run gives device-under-test containers: Docker's default allowlist without
/// the worker's denials, as a value and applied by the real engine.
@Suite struct DeviceProfileTests {
    static func allowed(_ profile: [String: Any]) -> Set<String> {
        Set(((profile["syscalls"] as? [[String: Any]]) ?? []).filter { $0["action"] as? String == "SCMP_ACT_ALLOW" }
            .flatMap { ($0["names"] as? [String]) ?? [] })
    }

    @Test("Docker's default without the worker's denials (cap-gated ones too); personality keeps Docker's argument rules")
    func profile() throws {
        let docker = try #require(try JSONSerialization.jsonObject(with: Data(DeviceProfile.dockerDefault.utf8)) as? [String: Any])
        let ours = try DeviceProfile.profile(changedBy: nil)
        #expect(ours["defaultAction"] as? String == "SCMP_ACT_ERRNO")
        for name in ["adjtimex", "clock_adjtime", "mount", "umount2", "bpf", "perf_event_open", "syslog", "init_module", "reboot", "open_by_handle_at"] {
            #expect(Self.allowed(docker).contains(name), "Docker allows \(name), at least with a capability")
            #expect(!Self.allowed(ours).contains(name), "\(name)")
        }
        #expect(Self.allowed(ours).contains("personality") && Self.allowed(ours).contains("read") && Self.allowed(ours).contains("ptrace"))
        #expect(Self.allowed(docker).subtracting(Self.allowed(ours)).isSubset(of: Set(HostProtection.worker.syscalls)))
    }

    @Test("a FILE allows and denies in it too; off gives no option, so the engine's default applies")
    func file() throws {
        let file = try ProfileFile.parse(Data(#"{"syscalls": [{"names": ["mount"], "action": "SCMP_ACT_ALLOW"}, {"names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]}"#.utf8), path: "f")
        let changed = try DeviceProfile.profile(changedBy: file)
        #expect(Self.allowed(changed).contains("mount") && !Self.allowed(changed).contains("ptrace"))
        #expect((changed["syscalls"] as? [[String: Any]])?.last?["errnoRet"] as? Int == 18)
        #expect(try DeviceProfile.securityOption(.off) == nil)
        #expect(try DeviceProfile.securityOption(.standard)?.hasPrefix(#"seccomp={"archMap":"#) == true)
    }

    /// The probe's report from a container of the base image, its binary mounted in.
    static func probe(privileged: Bool, securityOptions: [String]) async throws -> SyscallProbe.Report {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try await SyscallProbe.build(in: directory.url, static: true)
        let client = try DockerClient(socketPath: TestDocker.socketPath())
        var spec = ContainerSpec(image: TestDocker.baseImage, command: ["/probe/syscall-probe"], binds: ["\(directory.url.path):/probe:ro"],
                                 privileged: privileged)
        spec.securityOptions = securityOptions
        let id = try await client.createContainer(name: nil, spec)
        do {
            try await client.startContainer(id)
            _ = try await client.waitContainer(id)
            var output = ""
            for try await chunk in client.containerLogs(id, follow: false) where chunk.stream == .stdout {
                output += String(decoding: chunk.bytes, as: UTF8.self)
            }
            try? await client.removeContainer(id)
            return SyscallProbe.Report(output)
        } catch {
            try? await client.removeContainer(id)
            throw error
        }
    }

    @Test("the real engine applies it to a container that is not privileged: adjtimex, which Docker's default allows, gets EPERM")
    func applied() async throws {
        let option = try #require(try DeviceProfile.securityOption(.standard))
        let ours = try await Self.probe(privileged: false, securityOptions: [option])
        #expect(ours.seccompMode == 2 && ours.errnos["adjtimex"] == EPERM && ours.errnos["personality-query"] == 0, "\(ours)")
        let dockers = try await Self.probe(privileged: false, securityOptions: [])
        #expect(dockers.seccompMode == 2 && dockers.errnos["adjtimex"] == 0, "Docker's default: \(dockers)")
        let privileged = try await Self.probe(privileged: true, securityOptions: [option])
        #expect(privileged.seccompMode == 0, "the engine applies no seccomp to a privileged container, ours neither: \(privileged)")
    }
}
