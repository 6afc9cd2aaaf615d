import LavaClient
@testable import LavaDispatcher
import Testing

/// A sealed job log keeps only its tail's records: a job whose cleanup was cut short logs its end
/// once, whatever its abandoned body logs later.
@Suite struct JobLogSealTests {
    @Test("after seal(), records through the log are dropped and the tail goes on numbering without a gap")
    func seal() throws {
        // Never run: the log only queues into it.
        let uploader = LogUploader(client: try LavaServerClient(url: "http://127.0.0.1:1", agent: "test"), jobID: 1, token: "t")
        let log = JobLog(.server(uploader), secrets: [])
        #expect(log.emit("a") == 0)
        #expect(log.emit("b") == 1)
        let tail = log.seal()
        #expect(log.log("info", "dropped") == 2, "the index the next kept record will have")
        #expect(tail.log("info", "kept") == 2, "a dropped record takes no line number")
        #expect(log.emit("dropped too") == 3)
        #expect(tail.emit("kept too") == 3)
    }
}
