import LavaClient
@testable import LavaWorker
import Testing

/// lava-worker's loop rules, driven event by event with made-up instants: no server, no clock.
@Suite struct WorkerLoopTests {
    static let start = ContinuousClock.now
    static let interval = Duration.seconds(20)

    static func at(_ seconds: Int) -> ContinuousClock.Instant { start + .seconds(seconds) }

    static func loop(waitJobs: Bool = false, exitOnVersionMismatch: Bool = false) -> WorkerLoop {
        // Retries wait one second per failure, so the tests can tell them apart.
        WorkerLoop(pingInterval: interval, waitJobs: waitJobs, exitOnVersionMismatch: exitOnVersionMismatch,
                   retryDelay: { .seconds($0) })
    }

    @Test("ping, check, wait: pings start an interval apart, and a lava-run that ends is reported without moving the next ping")
    func serving() {
        var loop = Self.loop()
        #expect(loop.next(after: .started, at: Self.at(0)) == .ping(takeJobs: true))
        #expect(loop.next(after: .pinged(.answered), at: Self.at(3)) == .check)
        #expect(loop.next(after: .checked(idle: false), at: Self.at(4)) == .wait(until: Self.at(20)))
        #expect(loop.next(after: .childExited, at: Self.at(9)) == .check)
        #expect(loop.next(after: .checked(idle: true), at: Self.at(10)) == .wait(until: Self.at(20)))
        #expect(loop.next(after: .timeUp, at: Self.at(20)) == .ping(takeJobs: true))
        #expect(loop.next(after: .pinged(.answered), at: Self.at(21)) == .check)
        #expect(loop.next(after: .checked(idle: true), at: Self.at(21)) == .wait(until: Self.at(40)))
        #expect(loop.state == .serving)
    }

    @Test("a ping that took longer than the interval is followed by the next at once")
    func latePing() {
        var loop = Self.loop()
        _ = loop.next(after: .started, at: Self.at(0))
        _ = loop.next(after: .pinged(.answered), at: Self.at(25))
        #expect(loop.next(after: .checked(idle: false), at: Self.at(26)) == .ping(takeJobs: true))
    }

    @Test("failed pings shorten the wait by the retry delay; an answer restores the interval")
    func failures() {
        var loop = Self.loop()
        _ = loop.next(after: .started, at: Self.at(0))
        _ = loop.next(after: .pinged(.failed), at: Self.at(0))
        #expect(loop.next(after: .checked(idle: false), at: Self.at(0)) == .wait(until: Self.at(1)))
        _ = loop.next(after: .timeUp, at: Self.at(1))
        _ = loop.next(after: .pinged(.failed), at: Self.at(1))
        #expect(loop.failures == 2)
        #expect(loop.next(after: .checked(idle: false), at: Self.at(1)) == .wait(until: Self.at(3)))
        _ = loop.next(after: .timeUp, at: Self.at(3))
        _ = loop.next(after: .pinged(.answered), at: Self.at(3))
        #expect(loop.failures == 0)
        #expect(loop.next(after: .checked(idle: false), at: Self.at(3)) == .wait(until: Self.at(23)))
    }

    @Test("--wait-jobs: a stop checks, pings at once without taking jobs, and ends once no job is left")
    func drain() {
        var loop = Self.loop(waitJobs: true)
        _ = loop.next(after: .started, at: Self.at(0))
        _ = loop.next(after: .pinged(.answered), at: Self.at(0))
        _ = loop.next(after: .checked(idle: false), at: Self.at(0))
        #expect(loop.next(after: .stop, at: Self.at(5)) == .check)
        #expect(loop.state == .draining)
        #expect(loop.next(after: .checked(idle: false), at: Self.at(5)) == .ping(takeJobs: false))
        _ = loop.next(after: .pinged(.answered), at: Self.at(5))
        #expect(loop.next(after: .checked(idle: false), at: Self.at(5)) == .wait(until: Self.at(25)))
        #expect(loop.next(after: .stop, at: Self.at(6)) == .wait(until: Self.at(25)), "a second stop changes nothing")
        #expect(loop.next(after: .timeUp, at: Self.at(25)) == .ping(takeJobs: false))
        _ = loop.next(after: .pinged(.failed), at: Self.at(25))
        #expect(loop.next(after: .checked(idle: true), at: Self.at(25)) == .exit(.stopped))
        #expect(loop.next(after: .timeUp, at: Self.at(99)) == .exit(.stopped), "an ended loop stays ended")
    }

    @Test("without --wait-jobs a stop ends the loop; cancellation ends it even while draining")
    func stopNow() {
        var plain = Self.loop()
        _ = plain.next(after: .started, at: Self.at(0))
        _ = plain.next(after: .pinged(.answered), at: Self.at(0))
        _ = plain.next(after: .checked(idle: false), at: Self.at(0))
        #expect(plain.next(after: .stop, at: Self.at(1)) == .exit(.stopped))

        var draining = Self.loop(waitJobs: true)
        _ = draining.next(after: .started, at: Self.at(0))
        _ = draining.next(after: .pinged(.answered), at: Self.at(0))
        _ = draining.next(after: .checked(idle: false), at: Self.at(0))
        _ = draining.next(after: .stop, at: Self.at(1))
        #expect(draining.next(after: .cancelled, at: Self.at(2)) == .exit(.stopped))
        #expect(draining.state == .finished(.stopped))
    }

    @Test("--exit-on-version-mismatch: the worker serves its jobs to their end, then exits with status 75")
    func versionMismatch() {
        var loop = Self.loop(exitOnVersionMismatch: true)
        _ = loop.next(after: .started, at: Self.at(0))
        _ = loop.next(after: .pinged(.versionMismatch), at: Self.at(0))
        #expect(loop.next(after: .checked(idle: false), at: Self.at(0)) == .wait(until: Self.at(20)))
        #expect(loop.next(after: .childExited, at: Self.at(7)) == .check)
        #expect(loop.next(after: .checked(idle: true), at: Self.at(7)) == .exit(.versionMismatch))

        var answered = Self.loop(exitOnVersionMismatch: true)
        _ = answered.next(after: .started, at: Self.at(0))
        _ = answered.next(after: .pinged(.versionMismatch), at: Self.at(0))
        _ = answered.next(after: .checked(idle: false), at: Self.at(0))
        _ = answered.next(after: .timeUp, at: Self.at(20))
        _ = answered.next(after: .pinged(.answered), at: Self.at(20))
        #expect(answered.next(after: .checked(idle: true), at: Self.at(20)) == .wait(until: Self.at(40)),
                "the server is on this version again")

        var kept = Self.loop()
        _ = kept.next(after: .started, at: Self.at(0))
        _ = kept.next(after: .pinged(.versionMismatch), at: Self.at(0))
        #expect(kept.next(after: .checked(idle: true), at: Self.at(0)) == .wait(until: Self.at(20)),
                "without the flag a mismatch only skips the round")
    }

    @Test("a nudge during a wait pings at once and takes jobs; the next ping is an interval after it")
    func nudged() {
        var loop = Self.loop()
        _ = loop.next(after: .started, at: Self.at(0))
        _ = loop.next(after: .pinged(.answered), at: Self.at(0))
        #expect(loop.next(after: .checked(idle: true), at: Self.at(0)) == .wait(until: Self.at(20)))
        #expect(loop.next(after: .nudged, at: Self.at(5)) == .ping(takeJobs: true))
        #expect(loop.next(after: .pinged(.answered), at: Self.at(6)) == .check)
        #expect(loop.next(after: .checked(idle: false), at: Self.at(6)) == .wait(until: Self.at(25)))
        #expect(loop.state == .serving)
    }

    @Test("a nudge while draining pings without taking jobs (a cancel still reaches the worker)")
    func nudgedWhileDraining() {
        var loop = Self.loop(waitJobs: true)
        _ = loop.next(after: .started, at: Self.at(0))
        _ = loop.next(after: .pinged(.answered), at: Self.at(0))
        _ = loop.next(after: .checked(idle: false), at: Self.at(0))
        _ = loop.next(after: .stop, at: Self.at(1))
        _ = loop.next(after: .checked(idle: false), at: Self.at(1))
        _ = loop.next(after: .pinged(.answered), at: Self.at(1))
        #expect(loop.next(after: .checked(idle: false), at: Self.at(1)) == .wait(until: Self.at(21)))
        #expect(loop.next(after: .nudged, at: Self.at(3)) == .ping(takeJobs: false))
        #expect(loop.state == .draining)
    }

    @Test("a nudge while pings fail asks at once (the stream came back: so may the server) instead of at the retry")
    func nudgedAfterFailures() {
        var loop = Self.loop()
        _ = loop.next(after: .started, at: Self.at(0))
        _ = loop.next(after: .pinged(.failed), at: Self.at(0))
        _ = loop.next(after: .checked(idle: false), at: Self.at(0))
        _ = loop.next(after: .timeUp, at: Self.at(1))
        _ = loop.next(after: .pinged(.failed), at: Self.at(1))
        #expect(loop.next(after: .checked(idle: false), at: Self.at(1)) == .wait(until: Self.at(3)))
        #expect(loop.next(after: .nudged, at: Self.at(2)) == .ping(takeJobs: true))
        _ = loop.next(after: .pinged(.answered), at: Self.at(2))
        #expect(loop.failures == 0)
        #expect(loop.next(after: .checked(idle: true), at: Self.at(2)) == .wait(until: Self.at(22)))
    }

    @Test("a nudge after the loop finished changes nothing")
    func nudgedWhenFinished() {
        var loop = Self.loop()
        _ = loop.next(after: .started, at: Self.at(0))
        _ = loop.next(after: .stop, at: Self.at(1))
        #expect(loop.next(after: .nudged, at: Self.at(2)) == .exit(.stopped))
    }
}
