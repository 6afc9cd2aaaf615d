@testable import LavaDispatcher
import Testing

/// lava-run's answer to signals (spec §4.4), without processes or an engine.
@Suite struct StopRuleTests {
    /// The actions for `events` in order, and the state they leave.
    static func run(_ events: [StopRule.Event]) -> ([StopRule.Action], StopRule.State) {
        var rule = StopRule()
        let actions = events.map { rule.handle($0) }
        return (actions, rule.state)
    }

    @Test("the first signal cancels the job, a second cuts the cleanup short, a third changes nothing")
    func signalsDuringTheJob() {
        let (actions, state) = Self.run([.signal, .signal, .signal])
        #expect(actions == [.cancelJob, .cutCleanupShort, .none])
        #expect(state == .cutShort)
    }

    @Test("once the job has ended, each signal stops the upload, however the job ended")
    func signalsAfterTheJob() {
        #expect(Self.run([.jobEnded, .signal, .signal]) == ([.none, .stopUpload, .stopUpload], .ended))
        #expect(Self.run([.signal, .jobEnded, .signal]) == ([.cancelJob, .none, .stopUpload], .ended))
        #expect(Self.run([.signal, .signal, .jobEnded, .signal]) == ([.cancelJob, .cutCleanupShort, .none, .stopUpload], .ended))
    }

    @Test("a server that forgets the job cancels it: the next signal cuts the cleanup short")
    func serverForgotJob() {
        #expect(Self.run([.serverForgotJob, .signal]) == ([.none, .cutCleanupShort], .cutShort))
        #expect(Self.run([.signal, .serverForgotJob, .signal]) == ([.cancelJob, .none, .cutCleanupShort], .cutShort))
        #expect(Self.run([.jobEnded, .serverForgotJob]) == ([.none, .none], .ended))
    }
}
