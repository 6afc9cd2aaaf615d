import DockerEngine
import Foundation
import LavaCore
@testable import LavaServer
import LavaTestSupport
import Testing

/// `lava-server version-policy --next/--next-digest` with lava-docker-worker on the real engine,
/// our server, and the local registry, whose access log shows the pulls.
extension EndToEnd { @Suite struct NextVersionTests {
    typealias S = SupervisorTests

    /// The image of the new version, only in the registry; its registry digest.
    static func publishNew(_ repository: String) async throws -> String {
        let image = "\(repository):\(S.new)"
        try await WorkerImage.build(version: S.new, tag: image)
        let docker = try DockerLab.docker()
        try await docker.pushImage(image) { _ in }
        // The engine records the registry's digest of what it pushed.
        let pushed = try #require(try await docker.inspectImage(image)?.repoDigests.first { $0.hasPrefix(repository + "@") })
        try await docker.removeImage(image)
        return String(pushed.dropFirst(repository.count + 1))
    }

    static func waitForLog(_ supervisor: WorkerProcess, _ text: String, within seconds: Int = 120) async throws {
        for _ in 0..<(seconds * 5) where !supervisor.log.contains(text) {
            try await Task.sleep(for: .milliseconds(200))
        }
        guard supervisor.log.contains(text) else { throw TestFailure("no '\(text)' after \(seconds) s; \(supervisor.diagnosis)") }
    }

    @Test("announced with --next: lava-docker-worker pulls the next version's image while the server still runs the old one (the registry shows the pull); on upgrade day it is not pulled again")
    func prePulls() async throws {
        try await S.run { lab, repository in
            _ = try await Self.publishNew(repository)
            let image = "\(repository):\(S.new)"
            let registry = try RegistryLog()
            let supervisor = try S.supervisor(lab, repository: repository)
            try await lab.serve(version: S.old) { live in
                try await live.inventory.setVersionSettings(policy: nil, plan: UpgradePlan(next: S.new), server: S.old)
                try await S.online(S.old, on: live, diagnosis: supervisor.diagnosis)
                try await Self.waitForLog(supervisor, "pulled \(image)")
                #expect(!registry.manifestPulls(of: repository, tag: S.new).isEmpty,
                        "the registry saw no pull of \(image): \(registry.requests())")
                #expect(try await DockerLab.docker().inspectImage(image) != nil)
                #expect(supervisor.log.contains("pulling \(image) ahead: the server announces \(S.new) as its next version"))
                let running = try await S.workerContainers().filter { $0.state == "running" }
                #expect(running.map { $0.labels["org.lavasoftware.lava-docker-worker.version"] } == [S.old], "the old worker goes on")
            }
            let pulls = registry.manifestPulls(of: repository, tag: S.new).count
            try await lab.serve(version: S.new) { live in
                try await S.online(S.new, on: live, diagnosis: supervisor.diagnosis)
                #expect(supervisor.log.components(separatedBy: "pulling \(image)").count == 2, "pulled again on upgrade day")
                #expect(registry.manifestPulls(of: repository, tag: S.new).count == pulls, "\(registry.requests())")
            }
        }
    }

    @Test("--next-digest that is not the image's: the supervisor refuses it, says why, and does not start it when the server runs that version; the right digest lets it start")
    func refusesDigest() async throws {
        try await S.run { lab, repository in
            let digest = try await Self.publishNew(repository)
            let wrong = "sha256:" + String(repeating: "0", count: 64)
            let image = "\(repository):\(S.new)"
            let supervisor = try S.supervisor(lab, repository: repository)
            try await lab.serve(version: S.old) { live in
                try await live.inventory.setVersionSettings(
                    policy: nil, plan: try UpgradePlan().changed(next: .set(S.new), nextDigest: .set(wrong), server: S.old), server: S.old)
                try await S.online(S.old, on: live, diagnosis: supervisor.diagnosis)
                try await Self.waitForLog(supervisor, "refusing the image of \(S.new) pulled ahead")
                #expect(supervisor.log.contains("\(image) has the digest \(digest), not the \(wrong) the server expects for \(S.new)"),
                        "\(supervisor.log)")
                #expect(supervisor.log.contains("the worker of \(S.old) goes on"))
            }
            try await lab.serve(version: S.new) { live in
                try await Self.waitForLog(supervisor, "not starting the worker of \(S.new): \(image) has the digest \(digest), not the \(wrong)")
                #expect(try await S.workerContainers().filter { $0.state == "running" }.isEmpty, "a refused image runs")
                #expect(try await live.inventory.workers().first { $0.name == "lab-1" }?.version != S.new)
                // The admin corrects the digest: the supervisor starts it at its next try.
                try await live.inventory.setVersionSettings(
                    policy: nil, plan: try await live.inventory.upgradePlan().changed(digest: .set(digest), server: S.new), server: S.new)
                try await S.online(S.new, on: live, diagnosis: supervisor.diagnosis)
            }
        }
    }
} }
