import LavaCore
import Testing

/// A loop's wait: rung, timed out, or cancelled, and no ring lost in between.
@Suite struct AlarmTests {
    static let never = ContinuousClock.now + .seconds(3600)

    @Test("a ring while nobody waits is kept for the next wait, and only once")
    func kept() async {
        let alarm = Alarm()
        alarm.ring(.childExited)
        alarm.ring(.stop)
        #expect(await alarm.wait(until: Self.never) == [.childExited, .stop])
        #expect(await alarm.wait(until: .now) == [], "the rings were taken by the first wait")
    }

    @Test("a ring ends a wait far from its deadline")
    func rung() async {
        let alarm = Alarm()
        async let woken = alarm.wait(until: Self.never)
        alarm.ring(.childExited)
        #expect(await woken == [.childExited])
    }

    @Test("a wait ends with nothing at its deadline, or when its task is cancelled")
    func timeUpOrCancelled() async {
        let alarm = Alarm()
        #expect(await alarm.wait(until: .now) == [])
        let waiting = Task { await alarm.wait(until: Self.never) }
        waiting.cancel()
        #expect(await waiting.value == [])
        alarm.ring(.stop)
        #expect(await alarm.wait(until: Self.never) == [.stop], "the alarm still works after a cancelled wait")
    }
}

/// lava-worker's two, as an example of a loop's own rings.
private extension Alarm.Rings {
    static let childExited = Self(rawValue: 1)
    static let stop = Self(rawValue: 2)
}
