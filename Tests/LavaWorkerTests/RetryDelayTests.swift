import LavaCore
import LavaWorker
import Testing

@Suite struct RetryDelayTests {
    @Test("after failures the wait doubles from one second up to the ping interval, drawn from its upper half")
    func backoff() {
        let delay = RetryDelay(ceiling: .seconds(20))
        #expect(delay.after(failures: 0) == .seconds(20))
        #expect(delay.after(failures: 1, random: 1) == .seconds(1))
        #expect(delay.after(failures: 1, random: 0) == .milliseconds(500))
        #expect(delay.after(failures: 3, random: 1) == .seconds(4))
        #expect(delay.after(failures: 5, random: 1) == .seconds(16))
        #expect(delay.after(failures: 6, random: 1) == .seconds(20))
        #expect(delay.after(failures: 6, random: 0) == .seconds(10))
        #expect(delay.after(failures: 1000, random: 0.5) == .seconds(15))
    }
}
