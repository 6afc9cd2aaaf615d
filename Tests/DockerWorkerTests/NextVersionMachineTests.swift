import DockerEngine
@testable import DockerWorker
import Foundation
import LavaCore
import Testing

/// The server's announced next version and the image digests it expects
/// (`lava-server version-policy --next/--next-digest/--digest`), in the supervisor's machine.
@Suite struct NextVersionMachineTests {
    typealias T = SupervisorMachineTests
    static let next = "2027.01"
    static let digest = "sha256:" + String(repeating: "a", count: 64)
    static let other = "sha256:" + String(repeating: "b", count: 64)

    static func refusal(_ version: String, expected: String = digest, found: [String] = [other]) -> ImageRefusal {
        ImageRefusal(version: version, image: "w:\(version)", expected: expected, found: found)
    }

    static func prefetches(_ actions: [SupervisorAction]) -> [SupervisorAction] {
        actions.filter { if case .prefetch = $0 { true } else { false } }
    }

    /// The value of `status`'s line `name`.
    static func line(_ name: String, _ samples: [PrometheusSample]) -> String? {
        SupervisorReportText.format(samples).split(separator: "\n").first { $0.hasPrefix(name + "  ") }
            .map { $0.dropFirst(name.count).trimmingCharacters(in: .whitespaces) }
    }

    @Test("announced while the worker runs: its image is pulled ahead once, the worker goes on, and the pull is noted")
    func pullsAheadOnce() {
        var machine = T.running()
        let announced = VersionResponse(version: T.new, nextVersion: Self.next)
        let actions = machine.handle(.serverAnswered(announced))
        #expect(Self.prefetches(actions) == [.prefetch(version: Self.next, announced: true)])
        #expect(actions.contains(.report(.status("the server announces \(Self.next) as its next version: pulling its image ahead; "
            + "the worker of \(T.new) goes on"))))
        #expect(machine.phase == .running(T.newWorker))
        #expect(machine.handle(.serverAnswered(announced)) == [.report(.serverContact)], "pulled once")
        #expect(machine.readyAhead == nil)
        #expect(machine.handle(.imagePulledAhead(version: Self.next)) == [])
        #expect(machine.readyAhead == Self.next)
        #expect(machine.phase == .running(T.newWorker))
    }

    @Test("announced before the worker starts: pulled ahead as soon as it runs; an announced version the worker runs is not pulled")
    func pullsAheadAtStart() {
        var machine = T.asking()
        _ = machine.handle(.serverAnswered(VersionResponse(version: T.new, nextVersion: Self.next)))
        #expect(machine.handle(.containersFound([])) == [.getImage(version: T.new)])
        _ = machine.handle(.imageReady(T.newWorker.image))
        _ = machine.handle(.imageBuilt(T.newWorker.image))
        let actions = machine.handle(.containerStarted(T.newWorker))
        #expect(Self.prefetches(actions) == [.prefetch(version: Self.next, announced: true)])

        var accepted = T.running(T.oldWorker)
        let answer = VersionResponse(version: T.new, acceptedWorkerVersions: [T.old], nextVersion: T.old)
        #expect(Self.prefetches(accepted.handle(.serverAnswered(answer))) == [.prefetch(version: T.new)],
                "the server's own version, not the one the worker runs")
    }

    @Test("the upgrade to the announced version: the old worker drains, the image is not pulled again, old images go but the next one's")
    func upgradeToAnnounced() {
        var machine = T.running(T.oldWorker)
        _ = machine.handle(.serverAnswered(VersionResponse(version: T.old, nextVersion: T.new, nextDigest: Self.digest)))
        _ = machine.handle(.imagePulledAhead(version: T.new))
        // The server restarted at the announced version, which expects the same digest.
        let restarted = VersionResponse(version: T.new, digest: Self.digest)
        let drain = machine.handle(.serverAnswered(restarted))
        #expect(drain.contains(.signal(id: T.oldWorker.id, .terminate)))
        #expect(Self.prefetches(drain) == [], "pulled ahead and checked with that digest already")
        #expect(machine.handle(.containerExited(id: T.oldWorker.id, status: 75)).last == .askServer)
        _ = machine.handle(.serverAnswered(VersionResponse(version: T.new, nextVersion: "2027.04", digest: Self.digest)))
        #expect(machine.handle(.containersFound([])) == [.getImage(version: T.new, digest: Self.digest)])
        _ = machine.handle(.imageReady(T.newWorker.image))
        _ = machine.handle(.imageBuilt(T.newWorker.image))
        let started = machine.handle(.containerStarted(T.newWorker))
        #expect(started.contains(.removeOldImages(keeping: T.newWorker.image, previous: T.oldWorker.image, next: "2027.04")))
        #expect(Self.prefetches(started) == [.prefetch(version: "2027.04", announced: true)])
    }

    @Test("the server's version expects a digest its image has not: not started, said why, tried again; dropped, it starts")
    func refusesCurrent() {
        var machine = T.asking()
        _ = machine.handle(.serverAnswered(VersionResponse(version: T.new, digest: Self.digest)))
        #expect(machine.handle(.containersFound([])) == [.getImage(version: T.new, digest: Self.digest)])
        let refused = Self.refusal(T.new)
        let actions = machine.handle(.imageRefused(refused))
        guard case .pausing(let reason) = machine.phase else {
            Issue.record("not pausing: \(machine.phase)")
            return
        }
        #expect(reason == "not starting the worker of \(T.new): \(refused)")
        #expect(T.warnings(actions).first?.contains("not the \(Self.digest) the server expects for \(T.new)") == true, "\(actions)")
        #expect(T.retryDelay(actions) != nil)
        #expect(!actions.contains { if case .build = $0 { true } else { false } })
        #expect(machine.refusal == refused)
        #expect(machine.refusals == 1)

        #expect(machine.handle(.retryTimerFired) == [.askServer])
        _ = machine.handle(.serverAnswered(VersionResponse(version: T.new)))
        #expect(machine.refusal == nil, "the server no longer expects that digest")
        #expect(machine.handle(.containersFound([])) == [.getImage(version: T.new)])
        #expect(machine.handle(.imageReady(T.newWorker.image)) == [.build(base: T.newWorker.image)])
    }

    @Test("a refusal for another version than the one being got is an answer of an earlier phase: ignored")
    func staleRefusal() {
        var machine = T.asking()
        _ = machine.handle(.serverAnswered(VersionResponse(version: T.new)))
        _ = machine.handle(.containersFound([]))
        #expect(machine.handle(.imageRefused(Self.refusal(T.old))) == [])
        #expect(machine.phase == .gettingImage(version: T.new))
    }

    @Test("the next version's image has another digest: refused, the worker goes on, tried again at the next answer; a corrected digest passes")
    func refusesNext() {
        var machine = T.running()
        let announced = VersionResponse(version: T.new, nextVersion: Self.next, nextDigest: Self.digest)
        #expect(Self.prefetches(machine.handle(.serverAnswered(announced))) == [.prefetch(version: Self.next, digest: Self.digest, announced: true)])
        let refused = Self.refusal(Self.next, found: [])
        let warning = T.warnings(machine.handle(.imageAheadRefused(refused)))
        #expect(warning == ["refusing the image of \(Self.next) pulled ahead: \(refused); the worker of \(T.new) goes on"])
        #expect(refused.description.contains("no registry digest"))
        #expect(machine.phase == .running(T.newWorker))
        #expect(machine.refusal == refused)
        #expect(Self.prefetches(machine.handle(.serverAnswered(announced))).count == 1, "tried again")

        let corrected = VersionResponse(version: T.new, nextVersion: Self.next, nextDigest: Self.other)
        let actions = machine.handle(.serverAnswered(corrected))
        #expect(machine.refusal == nil, "the server expects another digest now")
        #expect(Self.prefetches(actions) == [.prefetch(version: Self.next, digest: Self.other, announced: true)])
        _ = machine.handle(.imagePulledAhead(version: Self.next))
        #expect(machine.readyAhead == Self.next)
        #expect(machine.refusals == 1)
    }

    @Test("the digest check: the digest of the image's own repository counts, Docker Hub's names compared as the engine shows them")
    func digestCheck() throws {
        func info(_ digests: [String]) throws -> ImageInfo {
            try JSONDecoder().decode(ImageInfo.self, from: JSONSerialization.data(withJSONObject: [
                "Id": "sha256:1", "RepoTags": ["x"], "RepoDigests": digests,
            ]))
        }
        let image = "127.0.0.1:5000/lava/dispatcher:2027.01"
        let mine = "127.0.0.1:5000/lava/dispatcher@\(Self.digest)"
        #expect(ImageRefusal.check(try info([mine]), image: image, version: Self.next, expected: Self.digest) == nil)
        #expect(ImageRefusal.check(try info(["127.0.0.1:5000/other@\(Self.other)", "127.0.0.1:5000/lava/dispatcher@\(Self.other)"]),
                                   image: image, version: Self.next, expected: Self.digest)?.found == [Self.other])
        #expect(ImageRefusal.check(try info(["127.0.0.1:5000/other@\(Self.digest)"]), image: image, version: Self.next,
                                   expected: Self.digest)?.found == [], "another repository's digest proves nothing")
        #expect(ImageRefusal.check(try info([]), image: image, version: Self.next, expected: Self.digest)?.found == [])
        #expect(ImageRefusal.check(try info(["lavasoftware/lava-dispatcher@\(Self.digest)"]),
                                   image: "docker.io/lavasoftware/lava-dispatcher:2027.01", version: Self.next, expected: Self.digest) == nil)
        #expect(ImageRefusal.check(try info(["debian@\(Self.digest)"]), image: "docker.io/library/debian:12", version: "12",
                                   expected: Self.digest) == nil)
        let text = Self.refusal(Self.next).description
        #expect(text.contains(Self.digest) && text.contains(Self.other) && text.contains("version-policy"), "\(text)")
    }

    @Test("metrics and status: the next version and whether its image is here, a refusal while it stands, refusals counted")
    func metrics() {
        let metrics = SupervisorMetrics()
        var machine = SupervisorMachine()
        SupervisorMetricsTests.feed(SupervisorMetricsTests.startEvents(T.newWorker), to: &machine, metrics: metrics)
        let announced = VersionResponse(version: T.new, nextVersion: Self.next, nextDigest: Self.digest)
        SupervisorMetricsTests.feed([.serverAnswered(announced)], to: &machine, metrics: metrics)
        var samples = PrometheusSample.parse(metrics.render())
        #expect(samples.filter { $0.name == SupervisorMetrics.nextVersion }.map(\.labels) == [["version": Self.next, "pulled": "false"]])
        #expect(Self.line("next version", samples) == "\(Self.next) (image not pulled yet)")

        let refused = Self.refusal(Self.next)
        SupervisorMetricsTests.feed([.imageAheadRefused(refused)], to: &machine, metrics: metrics)
        samples = PrometheusSample.parse(metrics.render())
        #expect(samples.value(SupervisorMetrics.imageRefusals) == 1)
        #expect(samples.filter { $0.name == SupervisorMetrics.imageRefused }.map(\.labels)
            == [["version": Self.next, "expected": Self.digest, "found": Self.other]])
        #expect(Self.line("image refused", samples) == "\(Self.next): digest \(Self.other), the server expects \(Self.digest)")

        SupervisorMetricsTests.feed([.serverAnswered(announced), .imagePulledAhead(version: Self.next)], to: &machine, metrics: metrics)
        samples = PrometheusSample.parse(metrics.render())
        #expect(samples.filter { $0.name == SupervisorMetrics.imageRefused }.isEmpty)
        #expect(samples.filter { $0.name == SupervisorMetrics.nextVersion }.map(\.labels) == [["version": Self.next, "pulled": "true"]])
        #expect(Self.line("next version", samples) == "\(Self.next) (image pulled ahead)")
        #expect(Self.line("image refused", samples) == nil)
        #expect(samples.value(SupervisorMetrics.imageRefusals) == 1)
    }
}
